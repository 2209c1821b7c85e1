package io.fwoa.engine.testing;

import io.fwoa.engine.log.EngineLog;
import java.util.ArrayList;
import java.util.List;

/** An engine log that keeps every line, prefixed with its level, for assertions. */
public final class CollectingLog implements EngineLog {

  private final List<String> lines = new ArrayList<>();

  @Override
  public synchronized void info(String message) {
    lines.add("INFO " + message);
  }

  @Override
  public synchronized void warn(String message) {
    lines.add("WARN " + message);
  }

  @Override
  public synchronized void debug(String message) {
    lines.add("DEBUG " + message);
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  public synchronized String text() {
    return String.join("\n", lines);
  }

  public synchronized void clear() {
    lines.clear();
  }
}
