package io.fwoa.engine.outputs;

/** The stacks of a configuration are not deployed (wrong stage, region or account, or never deployed). */
public class NotDeployedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NotDeployedException(String message) {
    super(message);
  }
}
