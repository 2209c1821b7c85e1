package io.fwoa.engine.toolkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.engine.assembly.AssemblyStack;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.deploy.StackDeployer;
import io.fwoa.engine.deploy.StackResult;
import io.fwoa.engine.deploy.StackStates;
import io.fwoa.engine.deploy.TemplateSource;
import io.fwoa.engine.log.EngineLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * Finds the asset bucket, creating fwoa's toolkit stack on the first deployment to an account and
 * region (there is no separate bootstrap step), or using an existing CDK bootstrap stack.
 */
public final class ToolkitDeployer {

  public static final String BUCKET_OUTPUT = "BucketName";
  static final String VERSION_OUTPUT = "ToolkitVersion";
  private static final String TEMPLATE = "/io/fwoa/engine/toolkit/toolkit-template.json";

  private final AwsSession session;
  private final EngineLog log;
  private final Toolkit toolkit;

  public ToolkitDeployer(AwsSession session, EngineLog log, Toolkit toolkit) {
    this.session = session;
    this.log = log;
    this.toolkit = toolkit;
  }

  /**
   * The asset bucket's name, creating or upgrading fwoa's toolkit stack when needed.
   *
   * @throws ToolkitException if fwoa.toolkit=cdk and the account is not bootstrapped
   */
  public String ensure(String account) {
    StackDeployer deployer = new StackDeployer(session, log);
    Optional<Stack> current = deployer.describe(toolkit.stackName());
    if (toolkit.kind() == Toolkit.Kind.CDK) {
      return cdkBucket(current, account);
    }
    if (current.isPresent() && StackStates.UPDATABLE.contains(current.get().stackStatusAsString())
        && Toolkit.VERSION.equals(output(current.get(), VERSION_OUTPUT)) && output(current.get(), BUCKET_OUTPUT) != null) {
      return output(current.get(), BUCKET_OUTPUT);
    }
    boolean exists = current.isPresent() && !StackStates.FAILED_CREATE.contains(current.get().stackStatusAsString())
        && !StackStates.REVIEW_IN_PROGRESS.equals(current.get().stackStatusAsString());
    if (!exists) {
      log.info("No fwoa toolkit stack in " + session.target().region() + " for account " + account + " yet: creating '"
          + toolkit.stackName() + "' with the encrypted asset bucket " + toolkit.bucketName(account, session.target().region())
          + " (once per account and region; no separate bootstrap step is needed)");
    }
    AssemblyStack stack = stack(session.target().region());
    StackResult result = deployer.deploy(stack, s -> TemplateSource.body(s.templateBody()));
    String bucket = output(result.stack(), BUCKET_OUTPUT);
    if (bucket == null) {
      throw new ToolkitException("The toolkit stack " + toolkit.stackName() + " has no " + BUCKET_OUTPUT + " output");
    }
    if (!exists) {
      log.info("Created the fwoa toolkit stack '" + toolkit.stackName() + "'; assets go to s3://" + bucket);
    }
    return bucket;
  }

  /** The asset bucket if the toolkit stack exists, without creating anything (fwoa:diff). */
  public Optional<String> find() {
    return new StackDeployer(session, log).describe(toolkit.stackName())
        .filter(s -> StackStates.UPDATABLE.contains(s.stackStatusAsString()))
        .map(s -> output(s, BUCKET_OUTPUT));
  }

  private String cdkBucket(Optional<Stack> current, String account) {
    String region = session.target().region();
    String expected = toolkit.bucketName(account, region);
    if (current.isEmpty() || !StackStates.UPDATABLE.contains(current.get().stackStatusAsString())) {
      throw new ToolkitException("fwoa.toolkit=cdk, but there is no usable CDK bootstrap stack '" + toolkit.stackName()
          + "' in " + region + " for account " + account + (current.isPresent() ? " (it is " + current.get().stackStatusAsString() + ")" : "")
          + ". Bootstrap with 'cdk bootstrap aws://" + account + "/" + region + "', or let fwoa create its own asset "
          + "bucket: remove -Dfwoa.toolkit=cdk (the default is fwoa).");
    }
    String bucket = output(current.get(), BUCKET_OUTPUT);
    if (!expected.equals(bucket)) {
      throw new ToolkitException("The CDK bootstrap stack's bucket is '" + bucket + "', but the templates expect '"
          + expected + "': set -Dfwoa.cdkQualifier to the qualifier the account was bootstrapped with.");
    }
    return bucket;
  }

  static String output(Stack stack, String key) {
    for (Output o : stack.outputs()) {
      if (key.equals(o.outputKey())) {
        return o.outputValue();
      }
    }
    return null;
  }

  /** fwoa's toolkit stack as a deployable stack. */
  public AssemblyStack stack(String region) {
    String body = template();
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AssemblyStack(toolkit.stackName(), region, null, body, json, Map.of(), false, List.of(), null,
        Map.of("AssetBucket", "AssetBucket", "AssetBucketPolicy", "AssetBucketPolicy"));
  }

  /** The toolkit template (JSON). */
  public static String template() {
    try (InputStream in = ToolkitDeployer.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(TEMPLATE + " is missing from the plugin jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
