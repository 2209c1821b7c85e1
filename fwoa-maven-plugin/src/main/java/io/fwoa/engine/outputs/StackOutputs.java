package io.fwoa.engine.outputs;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsCallException;
import io.fwoa.engine.aws.AwsSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * Reads the outputs of the deployed stacks of a configuration. This is the API other goals use to
 * find the deployed service (user pool ids, endpoints): one DescribeStacks call per stack.
 */
public final class StackOutputs {

  private StackOutputs() {}

  /** Stack names of a configuration, in deployment order. */
  public static List<String> stackNames(FhirDeploymentConfig config) {
    List<String> names = new ArrayList<>();
    names.add(config.serviceStackName());
    if (config.isEnableBackup()) {
      names.add(config.backupStackName());
    }
    return names;
  }

  /**
   * @throws NotDeployedException if the configuration's service stack is not deployed, with the
   *     settings to check
   */
  public static DeployedOutputs read(AwsSession session, FhirDeploymentConfig config) {
    DeployedOutputs outputs = read(session, stackNames(config), Map.of());
    if (!outputs.stacks().containsKey(config.serviceStackName())) {
      throw new NotDeployedException("Stack " + config.serviceStackName() + " is not deployed in " + session.target().region()
          + " for these credentials. Deploy it with 'mvn fwoa:deploy', or check -Dfwoa.stage, -Dfwoa.region and "
          + "-Dfwoa.profile.");
    }
    return outputs;
  }

  /**
   * @param known stacks already described (by name), to save calls right after a deployment
   */
  public static DeployedOutputs read(AwsSession session, List<String> stackNames, Map<String, Stack> known) {
    Map<String, Map<String, String>> result = new LinkedHashMap<>();
    for (String name : stackNames) {
      Stack stack = known.containsKey(name) ? known.get(name) : describe(session, name);
      if (stack == null || stack.stackStatusAsString().startsWith("DELETE_COMPLETE")
          || stack.stackStatusAsString().equals("REVIEW_IN_PROGRESS")) {
        continue;
      }
      Map<String, String> outputs = new LinkedHashMap<>();
      for (Output o : stack.outputs()) {
        outputs.put(o.outputKey(), o.outputValue());
      }
      result.put(name, outputs);
    }
    return new DeployedOutputs(session.target().region(), result);
  }

  private static Stack describe(AwsSession session, String name) {
    try {
      return session.calls().call("CloudFormation", "DescribeStacks",
          () -> session.cloudFormation().describeStacks(r -> r.stackName(name))).stacks().stream().findFirst().orElse(null);
    } catch (AwsCallException e) {
      if (e.isStackMissing()) {
        return null;
      }
      throw e;
    }
  }
}
