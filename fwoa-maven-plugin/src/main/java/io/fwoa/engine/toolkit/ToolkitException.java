package io.fwoa.engine.toolkit;

/** The asset bucket cannot be used: for example fwoa.toolkit=cdk in an account that was never bootstrapped. */
public class ToolkitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ToolkitException(String message) {
    super(message);
  }
}
