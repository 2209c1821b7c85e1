package io.fwoa.engine.outputs;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps secret values out of logs and output files. fwoa's own outputs hold no secret (the API key
 * output is the key's id, not its value), but a customized stack could add one: any output whose
 * name says it is a secret is masked.
 */
public final class Secrets {

  private static final Pattern SECRET = Pattern.compile(".*(secret|password|passwd|apikeyvalue|privatekey|token|credential).*");

  public static final String MASK = "(secret, not shown)";

  private Secrets() {}

  public static boolean isSecret(String outputKey) {
    return SECRET.matcher(outputKey.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")).matches();
  }

  /** The value to print or write for an output. */
  public static String shown(String outputKey, String value) {
    return isSecret(outputKey) ? MASK : value;
  }
}
