package io.fwoa.engine.deploy;

import io.fwoa.engine.outputs.DeployedOutputs;
import java.util.List;
import java.util.Map;

/**
 * What fwoa:deploy did.
 *
 * @param account account deployed to
 * @param stacks per-stack results in deployment order
 * @param outputs outputs of the deployed stacks
 * @param synthMillis time spent synthesizing
 * @param engineMillis time spent after synthesis (AWS calls and waiting)
 * @param calls AWS API calls made, per service:operation
 */
public record DeployReport(String account, List<StackResult> stacks, DeployedOutputs outputs, long synthMillis,
    long engineMillis, Map<String, Integer> calls) {

  /** Calls to one service, for example "CloudFormation". */
  public int calls(String service) {
    return calls.entrySet().stream().filter(e -> e.getKey().startsWith(service + ":")).mapToInt(Map.Entry::getValue).sum();
  }
}
