package io.fwoa.engine.aws;

/**
 * AWS credentials are missing, expired or invalid. The message says how to log in; it never
 * contains a key or token.
 */
public class CredentialsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CredentialsException(String message, Throwable cause) {
    super(message, cause);
  }
}
