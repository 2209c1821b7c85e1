package io.fwoa.engine.run;

import io.fwoa.engine.log.EngineLog;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * fwoa:run's engine: the whole FHIR service on this machine (dynalite, s3rver, cognito-local, an
 * embedded OpenSearch node fed by the stream handler, and the FHIR API through the Lambda handler),
 * until Ctrl-C.
 */
public final class LocalRun {

  /**
   * @param dataDirectory where data is kept between runs
   * @param port FHIR API port on 127.0.0.1 (0: any free port)
   * @param cacheDirectory where the emulators are installed on first use
   * @param clean start with empty data
   * @param multiTenancy serve /tenant/&lt;id&gt;/... as the cloud does with enableMultiTenancy
   * @param exitAfterStartup check the server answers, then stop (for scripts and tests)
   * @param hardDelete remove deleted resources from the search index (else mark them deleted)
   */
  public record Settings(Path dataDirectory, int port, Path cacheDirectory, boolean clean, boolean multiTenancy,
      boolean exitAfterStartup, boolean hardDelete) {}

  private final EngineLog log;

  public LocalRun(EngineLog log) {
    this.log = log;
  }

  /** Starts everything, prints how to use it, and blocks until the JVM is asked to stop. */
  public void run(Settings settings) {
    Map<String, String> env = new HashMap<>();
    env.put(ServerConfig.ENABLE_MULTI_TENANCY, Boolean.toString(settings.multiTenancy()));
    env.put(ServerConfig.ENABLE_ES_HARD_DELETE, Boolean.toString(settings.hardDelete()));
    LocalLog localLog = new LocalLog() {
      @Override
      public void info(String message) {
        log.info(message);
      }

      @Override
      public void warn(String message) {
        log.warn(message);
      }
    };
    long start = System.nanoTime();
    LocalFhirServer server = LocalFhirServer.start(new LocalFhirServer.Options(settings.dataDirectory(),
        settings.port(), settings.cacheDirectory(), settings.clean(), env, localLog));
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      log.info("Stopping the local FHIR server and its emulators...");
      server.close();
      stopped.countDown();
    }, "fwoa-run-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    String token = server.token("practitioner");
    log.info("");
    log.info("fwoa local FHIR server is up (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
    log.info("  Base URL : " + server.baseUrl());
    log.info("  Token    : " + token);
    log.info("             (practitioner, valid 24 h; send it as 'Authorization: Bearer <token>')");
    log.info("  Try      : curl -H \"Authorization: Bearer <token>\" " + server.baseUrl() + "/Patient/_history");
    log.info("  Users    : practitioner@fwoa.local, non-practitioner@fwoa.local, auditor@fwoa.local");
    log.info("             (passwords in " + server.dataDirectory().resolve("local-stack.json") + ")");
    log.info("  Data     : " + server.dataDirectory() + " (kept between runs; -Dfwoa.clean=true starts empty)");
    log.info("  Emulators: DynamoDB " + server.dynamoEndpoint() + ", S3 " + server.s3Endpoint() + ", Cognito "
        + server.cognitoEndpoint());
    log.info("  Search   : OpenSearch " + server.searchEndpoint() + " (embedded; every write is indexed before "
        + "it returns)");
    log.info("");

    if (settings.exitAfterStartup()) {
      try {
        selfCheck(server.baseUrl(), token);
        log.info("Self-check passed: /metadata, an authenticated request and a search answered as expected");
      } finally {
        Runtime.getRuntime().removeShutdownHook(hook);
        server.close();
      }
      return;
    }
    log.info("Press Ctrl-C to stop.");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().removeShutdownHook(hook);
      server.close();
    }
  }

  private static void selfCheck(String baseUrl, String token) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      int metadata = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metadata")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
      int history = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/Patient/_history"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      int anonymous = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/Patient/_history")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
      int search = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/Patient?name=self-check&_total=accurate"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (metadata != 200 || history != 200 || anonymous != 401 || search != 200) {
        throw new IllegalStateException("Local server self-check failed: /metadata " + metadata
            + ", authenticated history " + history + ", anonymous history " + anonymous + ", search " + search);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Local server self-check failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during the self-check", e);
    }
  }
}
