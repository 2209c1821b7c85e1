package io.fwoa.engine.cognito;

import java.util.Map;
import java.util.Optional;

/**
 * The user pool and app client a goal works on, and the stack outputs they came from (empty when
 * both ids were given on the command line and no stack was read).
 *
 * @param userPoolId for example us-west-2_AbCdEf123
 * @param appClientId the public app client users authenticate through
 * @param outputs the deployed stacks' outputs (endpoint, Dashboards URL, ...)
 */
public record UserPoolRef(String userPoolId, String appClientId, Map<String, String> outputs) {

  public UserPoolRef {
    outputs = Map.copyOf(outputs);
  }

  public Optional<String> output(String key) {
    return Optional.ofNullable(outputs.get(key)).filter(v -> !v.isBlank());
  }
}
