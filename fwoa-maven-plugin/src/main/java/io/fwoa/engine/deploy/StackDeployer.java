package io.fwoa.engine.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.engine.assembly.AssemblyStack;
import io.fwoa.engine.aws.AwsCallException;
import io.fwoa.engine.aws.AwsCalls;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.log.EngineLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.model.TemplateStage;

/**
 * Deploys one stack with a change set, the way the CDK CLI does, and handles every state a stack
 * can be found in: waits for a running operation, deletes and recreates a stack whose first create
 * failed, stops with the exact next step for UPDATE_ROLLBACK_FAILED, and skips the stack when the
 * deployed template, parameters and tags are already the new ones.
 */
public final class StackDeployer {

  static final Duration CHANGE_SET_POLL = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter CHANGE_SET_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final String CFN = "CloudFormation";

  /** Prepares the template (and the assets it references) just before a change set is needed. */
  @FunctionalInterface
  public interface Preparation {
    TemplateSource prepare(AssemblyStack stack);
  }

  private final AwsSession session;
  private final EngineLog log;
  private final AwsCalls calls;

  public StackDeployer(AwsSession session, EngineLog log) {
    this.session = session;
    this.log = log;
    this.calls = session.calls();
  }

  private CloudFormationClient cfn() {
    return session.cloudFormation();
  }

  /** The stack, or empty when it does not exist. */
  public Optional<Stack> describe(String stackName) {
    try {
      List<Stack> stacks = calls.call(CFN, "DescribeStacks", () -> cfn().describeStacks(r -> r.stackName(stackName))).stacks();
      return stacks.stream().findFirst();
    } catch (AwsCallException e) {
      if (e.isStackMissing()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Describes several stacks with one paginated DescribeStacks call for the whole region (instead
   * of one call per stack), stopping as soon as all are found.
   *
   * @return every name mapped to its stack or empty (not deployed); an empty map when listing is
   *     not allowed (a policy that only grants DescribeStacks on named stacks), so callers describe
   *     each stack by name
   */
  public Map<String, Optional<Stack>> describeAll(List<String> names) {
    Map<String, Optional<Stack>> found = new HashMap<>();
    try {
      String token = null;
      do {
        String next = token;
        var page = calls.call(CFN, "DescribeStacks", () -> cfn().describeStacks(r -> r.nextToken(next)));
        for (Stack s : page.stacks()) {
          if (names.contains(s.stackName())) {
            found.put(s.stackName(), Optional.of(s));
          }
        }
        token = page.nextToken();
      } while (token != null && found.size() < names.size());
    } catch (AwsCallException e) {
      log.debug("Listing stacks failed (" + e.errorCode() + "); describing them one by one");
      return Map.of();
    }
    for (String n : names) {
      found.putIfAbsent(n, Optional.empty());
    }
    return found;
  }

  /**
   * @param preparation uploads assets and returns the template location; not called when the stack is unchanged
   * @throws DeployException if the stack cannot be deployed, with root causes and next step
   */
  public StackResult deploy(AssemblyStack stack, Preparation preparation) {
    return deploy(stack, preparation, null);
  }

  /**
   * @param known the stack as just described (from {@link #describeAll}), or null to describe it now
   */
  public StackResult deploy(AssemblyStack stack, Preparation preparation, Optional<Stack> known) {
    long started = session.timing().nowMillis();
    String name = stack.stackName();
    Optional<Stack> current = known != null ? known : describe(name);

    if (current.isPresent() && StackStates.inProgress(current.get().stackStatusAsString())) {
      log.info(name + ": " + current.get().stackStatusAsString() + " (an earlier operation is still running); waiting for it to finish");
      StackWatcher watcher = watcher(stack);
      watcher.startNow();
      watcher.waitForStable(current.get().stackId());
      current = describe(name);
    }

    if (current.isPresent()) {
      String status = current.get().stackStatusAsString();
      if (StackStates.FAILED_CREATE.contains(status)) {
        log.info(name + ": the first creation of this stack failed earlier (" + status + "); it holds no resources, "
            + "so it is deleted now and created again");
        deleteFailedCreate(stack, current.get());
        current = Optional.empty();
      } else if (StackStates.UPDATE_ROLLBACK_FAILED.equals(status)) {
        throw updateRollbackFailed(stack, current.get(), recentRootCauses(stack, current.get()));
      } else if (StackStates.DELETE_FAILED.equals(status)
          && StackStates.FAILED_CREATE.contains(watcher(stack).statusBefore(current.get().stackId(), "DELETE_IN_PROGRESS"))) {
        log.info(name + ": deleting the stack left by a failed first creation did not finish earlier; trying again");
        deleteFailedCreate(stack, current.get());
        current = Optional.empty();
      } else if (StackStates.DELETE_FAILED.equals(status)) {
        throw new DeployException(name, status, name + " is in DELETE_FAILED: a deletion could not finish ("
            + current.get().stackStatusReason() + "). Fix the cause, run 'mvn fwoa:destroy' again, then deploy.",
            List.of());
      } else if (!StackStates.UPDATABLE.contains(status) && !StackStates.REVIEW_IN_PROGRESS.equals(status)) {
        throw new DeployException(name, status, name + " is in " + status + " and cannot be updated.", List.of());
      }
    }

    boolean create = current.isEmpty() || StackStates.REVIEW_IN_PROGRESS.equals(current.get().stackStatusAsString());
    if (!create && isUpToDate(current.get(), stack)) {
      ensureTerminationProtection(stack, current.get());
      log.info(name + ": no changes (the deployed template, parameters and tags are current)");
      return new StackResult(name, StackResult.Outcome.NO_CHANGES, current.get(), session.timing().nowMillis() - started);
    }

    TemplateSource template = preparation.prepare(stack);
    String changeSetName = "fwoa-" + CHANGE_SET_TIME.format(Instant.ofEpochMilli(session.timing().nowMillis()));
    String token = "fwoa-" + UUID.randomUUID();
    log.info(name + ": creating change set " + changeSetName + " (" + (create ? "CREATE" : "UPDATE") + ")");
    var created = calls.call(CFN, "CreateChangeSet", () -> cfn().createChangeSet(r -> r
        .stackName(name)
        .changeSetName(changeSetName)
        .changeSetType(create ? ChangeSetType.CREATE : ChangeSetType.UPDATE)
        .templateBody(template.body())
        .templateURL(template.url())
        .parameters(parameters(stack))
        .capabilities(Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM, Capability.CAPABILITY_AUTO_EXPAND)
        .tags(tags(stack))
        .clientToken(token)
        .description("fwoa deploy")));
    String stackId = created.stackId();
    String changeSetId = created.id();

    DescribeChangeSetResponse changeSet = ChangeSets.waitForCreation(session, changeSetId, name);
    if ("FAILED".equals(changeSet.statusAsString())) {
      if (ChangeSets.isNoChange(changeSet.statusReason())) {
        calls.run(CFN, "DeleteChangeSet", () -> cfn().deleteChangeSet(r -> r.changeSetName(changeSetId).stackName(stackId)));
        ensureTerminationProtection(stack, current.orElse(null));
        log.info(name + ": no changes");
        Stack now = current.orElseGet(() -> describe(name).orElseThrow());
        return new StackResult(name, StackResult.Outcome.NO_CHANGES, now, session.timing().nowMillis() - started);
      }
      throw new DeployException(name, "FAILED", "The change set for " + name + " failed: " + changeSet.statusReason(), List.of());
    }
    log.info(name + ": " + ChangeSets.summary(session, changeSet));

    StackWatcher watcher = watcher(stack);
    watcher.markBeforeOperation(stackId);
    calls.run(CFN, "ExecuteChangeSet", () -> cfn().executeChangeSet(r -> r.changeSetName(changeSetId).stackName(stackId)
        .clientRequestToken(token)));
    Stack done = watcher.waitForStable(stackId);
    String status = done.stackStatusAsString();
    if (!StackStates.DEPLOYED.contains(status)) {
      List<RootCause> causes = watcher.rootCauses(done);
      printRootCauses(name, causes);
      if (StackStates.UPDATE_ROLLBACK_FAILED.equals(status)) {
        throw updateRollbackFailed(stack, done, causes);
      }
      String next = StackStates.FAILED_CREATE.contains(status)
          ? " Fix the cause; the next 'mvn fwoa:deploy' deletes the empty stack and creates it again."
          : " The stack was rolled back to its previous template; fix the cause and deploy again.";
      throw new DeployException(name, status, name + " failed and ended in " + status + " after "
          + Elapsed.format(watcher.elapsedMillis()).trim() + ". Root cause:\n  " + join(causes) + "\n" + next.trim(),
          strings(causes));
    }
    ensureTerminationProtection(stack, done);
    log.info(name + ": " + status + " in " + Elapsed.format(watcher.elapsedMillis()).trim());
    return new StackResult(name, create ? StackResult.Outcome.CREATED : StackResult.Outcome.UPDATED, done,
        session.timing().nowMillis() - started);
  }

  /** The deployed template, parameters and tags equal the new ones (checked in one GetTemplate call). */
  boolean isUpToDate(Stack current, AssemblyStack stack) {
    if (!StackStates.UPDATABLE.contains(current.stackStatusAsString())) {
      return false;
    }
    Map<String, String> deployedTags = new HashMap<>();
    current.tags().forEach(t -> deployedTags.put(t.key(), t.value()));
    if (!deployedTags.equals(stack.tags())) {
      return false;
    }
    Map<String, String> deployedParams = new HashMap<>();
    current.parameters().forEach(p -> deployedParams.put(p.parameterKey(), p.parameterValue()));
    if (!deployedParams.equals(defaults(stack.template()))) {
      return false;
    }
    String body = calls.call(CFN, "GetTemplate", () -> cfn().getTemplate(r -> r.stackName(stack.stackName())
        .templateStage(TemplateStage.ORIGINAL))).templateBody();
    try {
      JsonNode deployed = JSON.readTree(body);
      return deployed.equals(stack.template());
    } catch (IOException e) {
      return false; // not JSON (a YAML template deployed by hand): deploy ours
    }
  }

  private static Map<String, String> defaults(JsonNode template) {
    Map<String, String> params = new HashMap<>();
    template.path("Parameters").properties().forEach(p -> {
      if (p.getValue().has("Default")) {
        params.put(p.getKey(), p.getValue().get("Default").asText());
      }
    });
    return params;
  }

  private static List<Parameter> parameters(AssemblyStack stack) {
    // Parameters with defaults only (the CDK's): pass them explicitly so the comparison above holds.
    List<Parameter> out = new ArrayList<>();
    defaults(stack.template()).forEach((k, v) -> out.add(Parameter.builder().parameterKey(k).parameterValue(v).build()));
    return out;
  }

  private static List<Tag> tags(AssemblyStack stack) {
    List<Tag> out = new ArrayList<>();
    stack.tags().forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
    return out;
  }

  private void ensureTerminationProtection(AssemblyStack stack, Stack current) {
    // Only ever turned on here (prod): turning it off is fwoa:destroy's decision, after confirmation.
    if (stack.terminationProtection() && (current == null || !Boolean.TRUE.equals(current.enableTerminationProtection()))) {
      calls.run(CFN, "UpdateTerminationProtection", () -> cfn().updateTerminationProtection(r -> r
          .stackName(stack.stackName()).enableTerminationProtection(true)));
      log.info(stack.stackName() + ": termination protection enabled");
    }
  }

  private void deleteFailedCreate(AssemblyStack stack, Stack failed) {
    StackWatcher watcher = watcher(stack);
    watcher.markBeforeOperation(failed.stackId());
    if (Boolean.TRUE.equals(failed.enableTerminationProtection())) {
      calls.run(CFN, "UpdateTerminationProtection", () -> cfn().updateTerminationProtection(r -> r
          .stackName(failed.stackId()).enableTerminationProtection(false)));
    }
    calls.run(CFN, "DeleteStack", () -> cfn().deleteStack(r -> r.stackName(failed.stackId())));
    Stack deleted = watcher.waitForStable(failed.stackId());
    if (!StackStates.DELETE_COMPLETE.equals(deleted.stackStatusAsString())) {
      List<RootCause> causes = watcher.rootCauses(deleted);
      printRootCauses(stack.stackName(), causes);
      throw new DeployException(stack.stackName(), deleted.stackStatusAsString(), "Could not delete " + stack.stackName()
          + " after its failed first creation (" + deleted.stackStatusAsString() + "):\n  " + join(causes)
          + "\nDelete it in the CloudFormation console, then deploy again.", strings(causes));
    }
    log.info(stack.stackName() + ": deleted the failed stack; creating it again");
  }

  private List<RootCause> recentRootCauses(AssemblyStack stack, Stack current) {
    // The failed rollback happened in an earlier run: read its events back to the last update start.
    List<RootCause> causes = watcher(stack).recentFailures(current);
    printRootCauses(stack.stackName(), causes);
    return causes;
  }

  private DeployException updateRollbackFailed(AssemblyStack stack, Stack current, List<RootCause> causes) {
    String name = stack.stackName();
    String profile = session.target().profile() == null ? "" : " --profile " + session.target().profile();
    List<RootCause> rollbackFailures = causes.stream().filter(RootCause::duringRollback).toList();
    String skip = (rollbackFailures.isEmpty() ? causes : rollbackFailures).stream()
        .filter(c -> !"AWS::CloudFormation::Stack".equals(c.resourceType()))
        .map(RootCause::logicalId).distinct().reduce((a, b) -> a + " " + b).orElse("<LogicalResourceId>");
    String message = name + " is in UPDATE_ROLLBACK_FAILED: an update failed and CloudFormation could not roll it back"
        + (causes.isEmpty() ? "." : ":\n  " + join(causes))
        + "\nNext step: fix the resource that could not roll back (see above), then continue the rollback:\n"
        + "  aws cloudformation continue-update-rollback --stack-name " + name + " --region " + session.target().region() + profile
        + "\nIf that resource cannot be fixed, let CloudFormation skip it:\n"
        + "  aws cloudformation continue-update-rollback --stack-name " + name + " --region " + session.target().region() + profile
        + " --resources-to-skip " + skip
        + "\nWhen the stack is UPDATE_ROLLBACK_COMPLETE, run 'mvn fwoa:deploy' again.";
    return new DeployException(name, StackStates.UPDATE_ROLLBACK_FAILED, message, strings(causes));
  }

  static String join(List<RootCause> causes) {
    return String.join("\n  ", strings(causes));
  }

  static List<String> strings(List<RootCause> causes) {
    return causes.stream().map(RootCause::toString).toList();
  }

  void printRootCauses(String name, List<RootCause> causes) {
    if (causes.isEmpty()) {
      return;
    }
    log.warn(name + ": root cause" + (causes.size() > 1 ? "s" : "") + " of the failure:");
    for (RootCause c : causes) {
      log.warn("  " + c);
    }
  }

  StackWatcher watcher(AssemblyStack stack) {
    Function<String, String> names = id -> stack.displayName(id);
    return new StackWatcher(session, log, stack.stackName(), names);
  }
}
