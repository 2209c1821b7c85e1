package io.fwoa.server.local;

/** Progress messages of the local stack (Maven's log for fwoa:run, stdout or nothing in tests). */
public interface LocalLog {

  LocalLog SILENT = new LocalLog() {
    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };

  void info(String message);

  void warn(String message);
}
