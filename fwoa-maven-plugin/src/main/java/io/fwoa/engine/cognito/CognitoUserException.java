package io.fwoa.engine.cognito;

/**
 * Something the user fixes: a password the pool rejects, an unknown group, an existing user whose
 * password was not given, a stage without Dashboards. The message says what to change (the goals
 * turn it into a build failure without a stack trace). It never contains a password.
 */
public class CognitoUserException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CognitoUserException(String message) {
    super(message);
  }

  public CognitoUserException(String message, Throwable cause) {
    super(message, cause);
  }
}
