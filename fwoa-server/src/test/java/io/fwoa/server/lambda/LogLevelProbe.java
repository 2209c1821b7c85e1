package io.fwoa.server.lambda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run in a fresh JVM by LogLevelTest, as the Lambda runtime starts a function: loads the handler
 * class named by the first argument, then logs one line per level through the handler's logger and
 * through the logger of a server class created afterwards.
 */
public final class LogLevelProbe {

  private LogLevelProbe() {}

  public static void main(String[] args) throws Exception {
    Class.forName(args[0]);
    for (Logger log : new Logger[] {LoggerFactory.getLogger(args[0]),
        LoggerFactory.getLogger("io.fwoa.server.search.stream.StreamIndexer")}) {
      log.debug("probe-debug");
      log.info("probe-info");
      log.warn("probe-warn");
      log.error("probe-error");
    }
  }
}
