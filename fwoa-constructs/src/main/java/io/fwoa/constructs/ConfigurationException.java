package io.fwoa.constructs;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be deployed. Lists every problem at once, each naming the setting
 * to fix, so a user corrects the configuration in one pass.
 */
public class ConfigurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** One invalid setting: its name (as in {@link FhirDeploymentConfig}) and what is wrong. */
  public record Problem(String setting, String message) {
    @Override
    public String toString() {
      return setting + ": " + message;
    }
  }

  private final transient List<Problem> problems;

  public ConfigurationException(List<Problem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  public static ConfigurationException of(String setting, String message) {
    return new ConfigurationException(List.of(new Problem(setting, message)));
  }

  public List<Problem> getProblems() {
    return problems;
  }

  private static String describe(List<Problem> problems) {
    if (problems.size() == 1) {
      return "Invalid fwoa configuration: " + problems.get(0);
    }
    return "Invalid fwoa configuration:" + problems.stream()
        .map(p -> "\n  - " + p).collect(Collectors.joining());
  }
}
