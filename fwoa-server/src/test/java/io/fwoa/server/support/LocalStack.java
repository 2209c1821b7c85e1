package io.fwoa.server.support;

import io.fwoa.server.local.LocalFhirServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the local stack (dynalite, s3rver, cognito-local and the FHIR API, all on free
 * 127.0.0.1 ports) once for the whole test run and stops it when the run ends. Test classes get
 * it as a parameter.
 */
public final class LocalStack implements ParameterResolver {

  private static final Namespace NS = Namespace.create(LocalStack.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == LocalFhirServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return e.getRoot().getStore(NS).getOrComputeIfAbsent("server", k -> new Running(), Running.class).server;
  }

  /** Closed by JUnit when the root context closes, i.e. after the last test. */
  private static final class Running implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final LocalFhirServer server = LocalFhirServer.start(LocalFhirServer.Options.inMemory());

    @Override
    public void close() {
      server.close();
    }
  }
}
