package io.fwoa.engine.deploy;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.assembly.AssemblyStack;
import io.fwoa.engine.assembly.CloudAssemblyReader;
import io.fwoa.engine.assets.AssetPublisher;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.toolkit.Toolkit;
import io.fwoa.engine.toolkit.ToolkitDeployer;
import io.fwoa.engine.toolkit.ToolkitException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * fwoa:diff: what a deployment would change, resource by resource, from a change set that is
 * deleted afterwards (nothing is executed). Replacing or removing a resource that holds data is
 * printed as a warning.
 */
public final class Differ {

  /** Resource types that hold data or identities: replacing or removing them loses something. */
  static final Set<String> STATEFUL = Set.of("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::KMS::Key",
      "AWS::Cognito::UserPool", "AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain", "AWS::Logs::LogGroup",
      "AWS::SQS::Queue", "AWS::Backup::BackupVault", "AWS::SNS::Topic", "AWS::Cognito::IdentityPool");

  /**
   * One resource change.
   *
   * @param action Add, Modify, Remove (or Import, Dynamic)
   * @param replacement True, Conditional or False (Modify only)
   * @param dangerous replaces or removes a stateful resource
   */
  public record ResourceDiff(String stackName, String action, String resourceType, String logicalId, String displayName,
      String replacement, boolean dangerous) {}

  /** Changes per stack; a stack that is not deployed yet lists all its resources as Add. */
  public record DiffReport(Map<String, List<ResourceDiff>> stacks) {
    public boolean hasChanges() {
      return stacks.values().stream().anyMatch(l -> !l.isEmpty());
    }

    public boolean hasDangerousChanges() {
      return stacks.values().stream().flatMap(List::stream).anyMatch(ResourceDiff::dangerous);
    }
  }

  private final AwsSession session;
  private final EngineLog log;
  private final AssemblySource assembly;

  public Differ(AwsSession session, EngineLog log, AssemblySource assembly) {
    this.session = session;
    this.log = log;
    this.assembly = assembly;
  }

  public DiffReport diff(FhirDeploymentConfig config, Path assemblyDir, List<String> stackNames, Toolkit toolkit) {
    String account = Deployer.checkAccount(session, config);
    assembly.assemble(config, assemblyDir);
    List<AssemblyStack> stacks = Deployer.select(CloudAssemblyReader.read(assemblyDir), stackNames);
    Map<String, List<ResourceDiff>> result = new java.util.LinkedHashMap<>();
    StackDeployer deployer = new StackDeployer(session, log);
    for (AssemblyStack stack : stacks) {
      result.put(stack.stackName(), diff(stack, deployer, account, toolkit));
    }
    return new DiffReport(result);
  }

  private List<ResourceDiff> diff(AssemblyStack stack, StackDeployer deployer, String account, Toolkit toolkit) {
    String name = stack.stackName();
    Optional<Stack> current = deployer.describe(name);
    if (current.isEmpty() || StackStates.REVIEW_IN_PROGRESS.equals(current.get().stackStatusAsString())
        || StackStates.FAILED_CREATE.contains(current.get().stackStatusAsString())) {
      List<ResourceDiff> adds = new ArrayList<>();
      for (Iterator<String> it = stack.template().path("Resources").fieldNames(); it.hasNext(); ) {
        String id = it.next();
        String type = stack.template().path("Resources").path(id).path("Type").asText();
        adds.add(new ResourceDiff(name, "Add", type, id, stack.displayName(id), "False", false));
      }
      log.info(name + ": not deployed yet; deploying creates " + adds.size() + " resources:");
      adds.forEach(d -> log.info("  + " + d.resourceType() + " " + d.displayName()));
      return adds;
    }
    if (StackStates.inProgress(current.get().stackStatusAsString())) {
      throw new DeployException(name, current.get().stackStatusAsString(), name + " is " + current.get().stackStatusAsString()
          + "; run fwoa:diff again when that operation has finished.", List.of());
    }
    if (!StackStates.UPDATABLE.contains(current.get().stackStatusAsString())) {
      throw new DeployException(name, current.get().stackStatusAsString(), name + " is "
          + current.get().stackStatusAsString() + " and cannot be compared; 'mvn fwoa:deploy' says what to do next.", List.of());
    }
    if (deployer.isUpToDate(current.get(), stack)) {
      log.info(name + ": no changes");
      return List.of();
    }
    TemplateSource template;
    if (stack.templateSize() > TemplateSource.MAX_BODY_BYTES) {
      // Large templates reach CloudFormation through the asset bucket; upload only the template.
      new ToolkitDeployer(session, log, toolkit).find().orElseThrow(() -> new ToolkitException(
          "The asset bucket stack '" + toolkit.stackName() + "' does not exist, but " + name + " does: deploy once with "
              + "'mvn fwoa:deploy' (it creates the toolkit stack)"));
      template = new AssetPublisher(session, log).publishTemplate(stack, account);
    } else {
      template = TemplateSource.body(stack.templateBody());
    }
    String changeSetName = "fwoa-diff-" + Long.toString(session.timing().nowMillis(), 36);
    List<Tag> tags = new ArrayList<>();
    stack.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    var created = session.calls().call("CloudFormation", "CreateChangeSet", () -> session.cloudFormation().createChangeSet(r -> r
        .stackName(name).changeSetName(changeSetName).changeSetType(ChangeSetType.UPDATE)
        .templateBody(template.body()).templateURL(template.url())
        .capabilities(Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM, Capability.CAPABILITY_AUTO_EXPAND)
        .tags(tags).clientToken("fwoa-" + UUID.randomUUID()).description("fwoa diff (never executed)")));
    try {
      DescribeChangeSetResponse changeSet = ChangeSets.waitForCreation(session, created.id(), name);
      if ("FAILED".equals(changeSet.statusAsString())) {
        if (ChangeSets.isNoChange(changeSet.statusReason())) {
          log.info(name + ": no changes");
          return List.of();
        }
        throw new DeployException(name, "FAILED", "CloudFormation could not compute the changes of " + name + ": "
            + changeSet.statusReason(), List.of());
      }
      List<ResourceDiff> diffs = new ArrayList<>();
      for (ResourceChange c : ChangeSets.changes(session, changeSet)) {
        String action = c.actionAsString();
        String replacement = c.replacementAsString() == null ? "False" : c.replacementAsString();
        boolean replaces = "Modify".equals(action) && ("True".equals(replacement) || "Conditional".equals(replacement));
        boolean dangerous = STATEFUL.contains(c.resourceType()) && (replaces || "Remove".equals(action));
        diffs.add(new ResourceDiff(name, action, c.resourceType(), c.logicalResourceId(), stack.displayName(c.logicalResourceId()),
            replacement, dangerous));
      }
      print(name, diffs);
      return diffs;
    } finally {
      session.calls().run("CloudFormation", "DeleteChangeSet",
          () -> session.cloudFormation().deleteChangeSet(r -> r.changeSetName(created.id()).stackName(created.stackId())));
    }
  }

  private void print(String name, List<ResourceDiff> diffs) {
    log.info(name + ": " + diffs.size() + " resource change" + (diffs.size() == 1 ? "" : "s") + ":");
    for (ResourceDiff d : diffs) {
      String sign = switch (d.action()) {
        case "Add" -> "+";
        case "Remove" -> "-";
        default -> "~";
      };
      String what = d.resourceType() + " " + d.displayName();
      if (d.dangerous()) {
        String verb = "Remove".equals(d.action()) ? "REMOVED" : "True".equals(d.replacement()) ? "REPLACED"
            : "possibly REPLACED";
        log.warn("  " + sign + " " + what + "  <-- " + verb + ": a " + d.resourceType() + " holds data; unless it is "
            + "retained, its contents are lost");
      } else if ("Modify".equals(d.action()) && !"False".equals(d.replacement())) {
        log.info("  " + sign + " " + what + " (replacement: " + d.replacement() + ")");
      } else {
        log.info("  " + sign + " " + what);
      }
    }
  }
}
