package io.fwoa.engine.deploy;

import java.util.List;

/**
 * A stack operation failed, or a stack is in a state the engine cannot continue from. The message
 * names the stack, its status, the root-cause resource events and the next step.
 */
public class DeployException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String stackName;
  private final String status;
  private final transient List<String> rootCauses;

  public DeployException(String stackName, String status, String message, List<String> rootCauses) {
    super(message);
    this.stackName = stackName;
    this.status = status;
    this.rootCauses = List.copyOf(rootCauses);
  }

  public String stackName() {
    return stackName;
  }

  /** The stack status the operation ended in (for example ROLLBACK_COMPLETE). */
  public String status() {
    return status;
  }

  /** Failed resource events, oldest first, as printed to the log. */
  public List<String> rootCauses() {
    return rootCauses;
  }
}
