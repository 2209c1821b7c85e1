package io.fwoa.server.storage;

/** A history page token that this server did not issue (or that was altered). */
public class InvalidPageTokenException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  public InvalidPageTokenException(String message) {
    super(message);
  }
}
