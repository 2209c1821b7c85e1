package io.fwoa.server.storage;

/**
 * Storage refused a request built from the client's input (DynamoDB's ValidationException, a
 * paging token this server did not issue): the client's fault, reported as 400.
 */
public class InvalidRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
