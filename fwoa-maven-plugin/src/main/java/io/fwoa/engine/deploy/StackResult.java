package io.fwoa.engine.deploy;

import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * What happened to one stack.
 *
 * @param stackName the stack
 * @param outcome created, updated or unchanged
 * @param stack the stack as described after the operation (with its outputs)
 * @param millis time spent on the stack
 */
public record StackResult(String stackName, Outcome outcome, Stack stack, long millis) {

  public enum Outcome {
    CREATED,
    UPDATED,
    NO_CHANGES
  }
}
