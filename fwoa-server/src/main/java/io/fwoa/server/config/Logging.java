package io.fwoa.server.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Applies LOG_LEVEL (error, warn, info or debug; fwoa.logLevel) to the functions' logging. The
 * Lambda jar logs through slf4j-simple, which takes its level from system properties once, when its
 * first logger is created: the handlers call this from their static initializers, before any logger
 * of theirs exists.
 */
public final class Logging {

  static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private Logging() {}

  /** Applies the process environment's LOG_LEVEL, unless the level was set explicitly (-D). */
  public static void apply() {
    apply(System.getenv(), System.getProperties());
  }

  static void apply(Map<String, String> env, Properties system) {
    String level = env.get(ServerConfig.LOG_LEVEL);
    if (level == null || level.isBlank() || system.getProperty(DEFAULT_LEVEL) != null) {
      return;
    }
    system.setProperty(DEFAULT_LEVEL, level.trim().toLowerCase(Locale.ROOT));
  }
}
