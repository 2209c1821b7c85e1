package io.fwoa.maven;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.logging.SystemStreamLog;

/** Sets mojo parameters the way Maven injects them, and keeps what the mojo logs. */
final class MojoFixture {

  static final class Log extends SystemStreamLog {
    final List<String> lines = new ArrayList<>();

    @Override
    public void info(CharSequence content) {
      lines.add("INFO " + content);
    }

    @Override
    public void warn(CharSequence content) {
      lines.add("WARN " + content);
    }

    @Override
    public void debug(CharSequence content) {
      lines.add("DEBUG " + content);
    }

    @Override
    public void debug(Throwable error) {
      lines.add("DEBUG " + error);
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    String text() {
      return String.join("\n", lines);
    }
  }

  private MojoFixture() {}

  static <T extends AbstractMojo> T configure(T mojo, Log log, Object... nameValues) {
    mojo.setLog(log);
    // Maven's defaults for the shared deployment parameters.
    set(mojo, "stage", "dev");
    set(mojo, "region", "us-west-2");
    set(mojo, "backupRetentionDays", 35);
    set(mojo, "logLevel", "error");
    set(mojo, "fhirVersion", "4.0.1");
    set(mojo, "oauthRedirect", "http://localhost");
    set(mojo, "lambdaMemorySize", 1024);
    set(mojo, "lambdaTimeoutSeconds", 28);
    set(mojo, "lambdaArchitecture", "arm64");
    set(mojo, "toolkit", "fwoa");
    set(mojo, "awsClientProvider", "fake");
    for (int i = 0; i < nameValues.length; i += 2) {
      set(mojo, (String) nameValues[i], nameValues[i + 1]);
    }
    return mojo;
  }

  static void set(Object target, String name, Object value) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        f.set(target, value);
        return;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalArgumentException("No parameter " + name + " in " + target.getClass());
  }
}
