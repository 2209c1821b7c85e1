package io.fwoa.engine.deploy;

/** fwoa.stacks names a stack that the configuration does not have. */
public class StackSelectionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StackSelectionException(String message) {
    super(message);
  }
}
