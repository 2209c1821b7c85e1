package io.fwoa.engine.aws;

/**
 * An AWS API call failed for a reason other than credentials: carries the service's error code
 * and message so the user sees what AWS said.
 */
public class AwsCallException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String service;
  private final String operation;
  private final String errorCode;
  private final String errorMessage;

  public AwsCallException(String service, String operation, String errorCode, String errorMessage, Throwable cause) {
    super(service + " " + operation + " failed: " + errorCode + ": " + errorMessage, cause);
    this.service = service;
    this.operation = operation;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage == null ? "" : errorMessage;
  }

  public String service() {
    return service;
  }

  public String operation() {
    return operation;
  }

  /** The service's error code, for example ValidationError; "ClientError" when no response came. */
  public String errorCode() {
    return errorCode;
  }

  public String errorMessage() {
    return errorMessage;
  }

  /** CloudFormation's answer for a stack name that does not exist. */
  public boolean isStackMissing() {
    return "ValidationError".equals(errorCode) && errorMessage.contains("does not exist");
  }
}
