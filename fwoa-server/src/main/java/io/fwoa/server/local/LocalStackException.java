package io.fwoa.server.local;

/** The local stack could not start (missing Node.js, an emulator that did not come up, ...). */
public class LocalStackException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LocalStackException(String message) {
    super(message);
  }

  public LocalStackException(String message, Throwable cause) {
    super(message, cause);
  }
}
