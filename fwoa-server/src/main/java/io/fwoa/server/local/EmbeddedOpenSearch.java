package io.fwoa.server.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * An OpenSearch 2.19 node inside this JVM, for fwoa:run and the tests: HTTP and transport on free
 * 127.0.0.1 ports, single-node discovery, the plugins fwoa's mappings need (analysis-common for
 * the n-gram and folding analyzers, mapper-extras, Netty for HTTP). Not in the Lambda jar.
 *
 * <p>The node shares the JVM heap with the FHIR server, so the real-memory circuit breaker is off
 * (it would count the server's own objects against OpenSearch) and the disk watermarks are off
 * (a developer's nearly full disk must not make the index read-only).
 */
public final class EmbeddedOpenSearch implements AutoCloseable {

  private static final Collection<Class<? extends Plugin>> PLUGINS =
      List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, MapperExtrasPlugin.class);

  private final Node node;
  private final int httpPort;
  private final Path home;
  private final boolean deleteHome;

  private EmbeddedOpenSearch(Node node, int httpPort, Path home, boolean deleteHome) {
    this.node = node;
    this.httpPort = httpPort;
    this.home = home;
    this.deleteHome = deleteHome;
  }

  /**
   * Starts a node and waits until it serves HTTP.
   *
   * @param dataDirectory where the index data is kept between runs, or null for a temporary
   *     directory deleted on close
   */
  public static EmbeddedOpenSearch start(Path dataDirectory) {
    long start = System.nanoTime();
    Path home;
    try {
      home = dataDirectory != null ? dataDirectory : Files.createTempDirectory("fwoa-opensearch-");
      Files.createDirectories(home.resolve("config"));
      Files.createDirectories(home.resolve("data"));
      Files.createDirectories(home.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare the OpenSearch directory", e);
    }
    int httpPort = NodeProcess.freePort();
    int transportPort = NodeProcess.freePort();
    Settings settings = Settings.builder()
        .put("cluster.name", "fwoa-local")
        .put("node.name", "fwoa-local")
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("network.host", "127.0.0.1")
        .put("http.port", httpPort)
        .put("transport.port", transportPort)
        .put("http.type", "netty4")
        .put("transport.type", "netty4")
        .put("discovery.type", "single-node")
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("indices.breaker.total.use_real_memory", false)
        // fwoa creates every index itself; a write to a missing index is a bug, not a new index.
        .put("action.auto_create_index", false)
        .put("node.max_local_storage_nodes", 1)
        .build();
    Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(),
        home.resolve("config"), () -> "fwoa-local");
    Node node = new LocalNode(environment);
    EmbeddedOpenSearch embedded = new EmbeddedOpenSearch(node, httpPort, home, dataDirectory == null);
    try {
      node.start();
      embedded.awaitGreenOrYellow(Duration.ofSeconds(60));
    } catch (NodeValidationException | RuntimeException e) {
      embedded.close();
      throw new LocalStackException("Could not start the embedded OpenSearch node: " + e.getMessage(), e);
    }
    org.slf4j.LoggerFactory.getLogger(EmbeddedOpenSearch.class)
        .info("OpenSearch started on {} in {} ms", embedded.endpoint(), (System.nanoTime() - start) / 1_000_000);
    return embedded;
  }

  /** The HTTP endpoint, http://127.0.0.1:port. */
  public String endpoint() {
    return "http://127.0.0.1:" + httpPort;
  }

  private void awaitGreenOrYellow(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create(endpoint() + "/_cluster/health?wait_for_status=yellow&timeout=5s")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalStackException("Interrupted while waiting for OpenSearch", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalStackException("Interrupted while waiting for OpenSearch", e);
      }
    }
    throw new LocalStackException("OpenSearch did not answer on " + endpoint() + " within " + timeout.toSeconds()
        + " s", last);
  }

  @Override
  public void close() {
    try {
      node.close();
      node.awaitClose(20, TimeUnit.SECONDS);
    } catch (IOException e) {
      // stopping anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (deleteHome) {
      LocalFhirServer.deleteQuietly(home);
    }
  }

  /** Node's plugin-accepting constructor is protected. */
  private static final class LocalNode extends Node {
    LocalNode(Environment environment) {
      super(environment, PLUGINS, true);
    }
  }
}
