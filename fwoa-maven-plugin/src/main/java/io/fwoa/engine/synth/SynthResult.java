package io.fwoa.engine.synth;

import java.nio.file.Path;
import java.util.List;

/**
 * A synthesized cloud assembly.
 *
 * @param assemblyDirectory the cdk.out directory
 * @param stacks stacks in deployment (dependency) order
 * @param warnings warning annotations left by constructs and cdk-nag
 * @param millis wall time of synthesis
 */
public record SynthResult(Path assemblyDirectory, List<StackSummary> stacks, List<String> warnings, long millis) {

  public StackSummary stack(String stackName) {
    return stacks.stream().filter(s -> s.stackName().equals(stackName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No stack " + stackName + " in " + assemblyDirectory));
  }
}
