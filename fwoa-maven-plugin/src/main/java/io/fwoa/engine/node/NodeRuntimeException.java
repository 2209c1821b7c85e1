package io.fwoa.engine.node;

/** Node.js, which the CDK's jsii runtime needs, is missing, broken or too old. */
public class NodeRuntimeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NodeRuntimeException(String message) {
    super(message);
  }
}
