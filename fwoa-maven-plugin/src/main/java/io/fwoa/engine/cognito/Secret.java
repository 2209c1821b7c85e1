package io.fwoa.engine.cognito;

import java.util.Objects;

/**
 * A password on its way to Cognito. {@link #toString()} never shows it, so a secret that ends up in
 * a log message, an exception or a debugger's variable view stays hidden; only {@link #reveal()}
 * gives the value, and the engine calls it only to hand the value to the SDK (or, for a generated
 * password, to print it once).
 */
public final class Secret {

  private final String value;
  private final String origin;

  private Secret(String value, String origin) {
    this.value = Objects.requireNonNull(value, "value");
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  /**
   * @param origin where the value came from, in words a user recognizes (for example
   *     "-Dfwoa.password" or "the FWOA_PASSWORD environment variable")
   */
  public static Secret of(String value, String origin) {
    return new Secret(value, origin);
  }

  /** Where the value came from, for messages. */
  public String origin() {
    return origin;
  }

  public String reveal() {
    return value;
  }

  public int length() {
    return value.length();
  }

  @Override
  public String toString() {
    return "(secret)";
  }
}
