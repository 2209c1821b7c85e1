package io.fwoa.engine.log;

/**
 * Where the engine reports progress. The Maven goals adapt it to Maven's log; tests collect it.
 * The engine never prints secrets through it.
 */
public interface EngineLog {

  void info(String message);

  void warn(String message);

  void debug(String message);

  /** A log that drops everything. */
  static EngineLog silent() {
    return new EngineLog() {
      @Override
      public void info(String message) {}

      @Override
      public void warn(String message) {}

      @Override
      public void debug(String message) {}
    };
  }
}
