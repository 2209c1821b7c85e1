package io.fwoa.constructs.nag;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.HIPAASecurityChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;
import software.constructs.IConstruct;

/**
 * cdk-nag's AwsSolutions and HIPAA Security packs, and the check the CDK CLI does after synthesis:
 * {@code app.synth()} writes error annotations into the cloud assembly but does not fail on them,
 * so synthesis in-process must collect them and fail itself.
 */
public final class SecurityChecks {

  private SecurityChecks() {}

  /** One error or warning left in the cloud assembly, by cdk-nag or by a construct. */
  public record Finding(String stack, String ruleId, String path, String message) {
    @Override
    public String toString() {
      return (ruleId.isEmpty() ? "" : ruleId + " ") + "at " + path + ": " + message;
    }
  }

  /** Adds both packs to every stack under {@code scope} (normally the App). */
  public static void apply(IConstruct scope) {
    NagPackProps props = NagPackProps.builder().verbose(false).reports(false).build();
    Aspects.of(scope).add(new AwsSolutionsChecks(props));
    Aspects.of(scope).add(new HIPAASecurityChecks(props));
  }

  /**
   * Synthesizes the app and fails if any stack carries an error annotation.
   *
   * @throws SecurityCheckException listing every finding with rule id, resource path and message
   */
  public static CloudAssembly synthesize(App app) {
    CloudAssembly assembly = app.synth();
    List<Finding> errors = findings(assembly, SynthesisMessageLevel.ERROR);
    if (!errors.isEmpty()) {
      throw new SecurityCheckException(errors);
    }
    return assembly;
  }

  /** Messages of the given level in every stack of the assembly. */
  public static List<Finding> findings(CloudAssembly assembly, SynthesisMessageLevel level) {
    List<Finding> findings = new ArrayList<>();
    for (CloudFormationStackArtifact stack : assembly.getStacksRecursively()) {
      for (SynthesisMessage message : stack.getMessages()) {
        if (message.getLevel() == level) {
          findings.add(toFinding(stack.getStackName(), message));
        }
      }
    }
    return findings;
  }

  private static Finding toFinding(String stack, SynthesisMessage message) {
    Object data = message.getEntry().getData();
    String text = data == null ? "" : data.toString().trim();
    String ruleId = "";
    int colon = text.indexOf(": ");
    // cdk-nag writes "<pack>-<rule>: <message>"; a construct's own error has no rule id.
    if (colon > 0 && text.substring(0, colon).matches("[A-Za-z0-9.]+-[A-Za-z0-9.]+(\\[.*])?")) {
      ruleId = text.substring(0, colon);
      text = text.substring(colon + 2);
    }
    return new Finding(stack, ruleId, message.getId(), firstSentence(text));
  }

  private static String firstSentence(String text) {
    int end = text.indexOf(". ");
    return end > 0 ? text.substring(0, end + 1) : text;
  }
}
