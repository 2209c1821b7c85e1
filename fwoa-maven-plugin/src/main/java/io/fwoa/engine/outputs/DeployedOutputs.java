package io.fwoa.engine.outputs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The outputs of a deployment's stacks: stack name to (output key to value), in deployment order.
 *
 * @param region region of the stacks
 * @param stacks outputs per deployed stack (stacks that are not deployed are absent)
 */
public record DeployedOutputs(String region, Map<String, Map<String, String>> stacks) {

  public DeployedOutputs {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    stacks.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    stacks = Collections.unmodifiableMap(copy);
  }

  /** An output's value from whichever stack has it. */
  public Optional<String> find(String outputKey) {
    for (Map<String, String> outputs : stacks.values()) {
      if (outputs.containsKey(outputKey)) {
        return Optional.of(outputs.get(outputKey));
      }
    }
    return Optional.empty();
  }

  /**
   * @throws NotDeployedException naming the output and how to get it (deploy)
   */
  public String require(String outputKey) {
    return find(outputKey).orElseThrow(() -> new NotDeployedException("The deployed stacks (" + String.join(", ",
        stacks.keySet()) + ") have no output '" + outputKey + "'. Deploy the current configuration first: mvn fwoa:deploy"));
  }
}
