package io.fwoa.engine.deploy;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.toolkit.Toolkit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;

/**
 * fwoa:destroy: deletes the configuration's stacks in reverse dependency order (backup, then
 * service) and lists the resources CloudFormation retained (DELETE_SKIPPED: production data
 * stores, keys), which keep existing and costing until deleted by hand. The toolkit stack stays.
 */
public final class Destroyer {

  /**
   * A retained resource.
   *
   * @param physicalId the resource's name or ARN
   */
  public record Retained(String stackName, String resourceType, String logicalId, String physicalId) {}

  private final AwsSession session;
  private final EngineLog log;

  public Destroyer(AwsSession session, EngineLog log) {
    this.session = session;
    this.log = log;
  }

  /**
   * Call only after {@link DestroyConfirmation} allowed it.
   *
   * @return resources left behind on purpose, per stack
   */
  public List<Retained> destroy(FhirDeploymentConfig config) {
    Deployer.checkAccount(session, config);
    // Reverse dependency order. The backup stack is looked for even when enableBackup is now false:
    // one deployed earlier depends on the service stack and must go first.
    List<String> names = List.of(config.backupStackName(), config.serviceStackName());
    StackDeployer stacks = new StackDeployer(session, log);
    List<Retained> retained = new ArrayList<>();
    for (String name : names) {
      Optional<Stack> current = stacks.describe(name);
      if (current.isEmpty()) {
        log.info(name + ": not deployed, nothing to delete");
        continue;
      }
      retained.addAll(delete(stacks, current.get()));
    }
    if (!retained.isEmpty()) {
      log.warn("Retained (not deleted, still billed; delete them by hand when they are no longer needed):");
      for (Retained r : retained) {
        log.warn("  " + r.resourceType() + " " + r.physicalId() + " (from " + r.stackName() + ", " + r.logicalId() + ")");
      }
    }
    log.info("The asset bucket stack '" + Toolkit.FWOA_STACK + "' is kept (other stages in this account and region use "
        + "it); delete it and its retained bucket by hand if fwoa is no longer used here.");
    return retained;
  }

  private List<Retained> delete(StackDeployer stacks, Stack stack) {
    String name = stack.stackName();
    StackWatcher watcher = new StackWatcher(session, log, name, id -> id);
    if (StackStates.inProgress(stack.stackStatusAsString())) {
      log.info(name + ": " + stack.stackStatusAsString() + "; waiting for it to finish before deleting");
      watcher.startNow();
      stack = watcher.waitForStable(stack.stackId());
    }
    String id = stack.stackId();
    watcher.markBeforeOperation(id);
    if (Boolean.TRUE.equals(stack.enableTerminationProtection())) {
      log.info(name + ": turning off termination protection (confirmed with -Dfwoa.confirmStage)");
      session.calls().run("CloudFormation", "UpdateTerminationProtection", () -> session.cloudFormation()
          .updateTerminationProtection(r -> r.stackName(id).enableTerminationProtection(false)));
    }
    log.info(name + ": deleting");
    session.calls().run("CloudFormation", "DeleteStack", () -> session.cloudFormation().deleteStack(r -> r.stackName(id)));
    Stack done = watcher.waitForStable(id);
    if (!StackStates.DELETE_COMPLETE.equals(done.stackStatusAsString())) {
      List<RootCause> causes = watcher.rootCauses(done);
      stacks.printRootCauses(name, causes);
      String skip = causes.stream().map(RootCause::logicalId).distinct().reduce((a, b) -> a + " " + b).orElse("<LogicalId>");
      throw new DeployException(name, done.stackStatusAsString(), name + " could not be deleted ("
          + done.stackStatusAsString() + "):\n  " + StackDeployer.join(causes)
          + "\nFix the cause (for example empty a bucket or delete a backup vault's recovery points) and run "
          + "'mvn fwoa:destroy' again, or keep those resources: aws cloudformation delete-stack --stack-name " + name
          + " --region " + session.target().region() + " --retain-resources " + skip, StackDeployer.strings(causes));
    }
    log.info(name + ": deleted in " + Elapsed.format(watcher.elapsedMillis()).trim());
    List<Retained> retained = new ArrayList<>();
    for (StackEvent e : watcher.eventsWithStatus("DELETE_SKIPPED")) {
      retained.add(new Retained(name, e.resourceType(), e.logicalResourceId(), e.physicalResourceId()));
    }
    return retained;
  }
}
