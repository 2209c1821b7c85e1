package io.fwoa.server.support;

import io.fwoa.server.local.LocalFhirServer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the local stack (dynalite, s3rver, cognito-local and the FHIR API, all on free
 * 127.0.0.1 ports) once for the whole test run and stops it when the run ends. Test classes get
 * it as a parameter; a parameter annotated with {@link Settings} gets a stack of its own started
 * with those server settings (shared by every test asking for the same settings).
 */
public final class LocalStack implements ParameterResolver {

  private static final Namespace NS = Namespace.create(LocalStack.class);

  /** Server settings (environment variables, {@code NAME=value}) for a stack of its own. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  public @interface Settings {
    String[] value();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == LocalFhirServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    Map<String, String> settings = new TreeMap<>();
    p.findAnnotation(Settings.class).ifPresent(s -> {
      for (String setting : s.value()) {
        int eq = setting.indexOf('=');
        settings.put(setting.substring(0, eq), setting.substring(eq + 1));
      }
    });
    String key = settings.isEmpty() ? "server" : "server" + settings;
    return e.getRoot().getStore(NS).getOrComputeIfAbsent(key, k -> new Running(settings), Running.class).server;
  }

  /** Closed by JUnit when the root context closes, i.e. after the last test. */
  private static final class Running implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final LocalFhirServer server;

    Running(Map<String, String> settings) {
      LocalFhirServer.Options defaults = LocalFhirServer.Options.inMemory();
      server = LocalFhirServer.start(new LocalFhirServer.Options(defaults.dataDirectory(), defaults.port(),
          defaults.cacheDirectory(), defaults.clean(), settings, defaults.log()));
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
