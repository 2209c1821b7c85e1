package io.fwoa.engine.run;

import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.node.NodeRuntime;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.local.LocalCognito;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
   * @param referentialIntegrity written resources may refer only to existing resources
   */
  public record Settings(Path dataDirectory, int port, Path cacheDirectory, boolean clean, boolean multiTenancy,
      boolean exitAfterStartup, boolean hardDelete, boolean referentialIntegrity) {}

  private final EngineLog log;
  private final NodeRuntime node;

  public LocalRun(EngineLog log) {
    this(log, NodeRuntime.fromEnvironment());
  }

  /** @param node where the emulators' Node.js and npm are looked for */
  public LocalRun(EngineLog log, NodeRuntime node) {
    this.log = log;
    this.node = node;
  }

  /**
   * Starts everything, prints how to use it, and blocks until the JVM is asked to stop.
   *
   * @throws io.fwoa.engine.node.NodeRuntimeException before anything starts, saying what to install, when
   *     node or npm is missing from PATH or node is too old
   */
  public void run(Settings settings) {
    NodeRuntime.Node nodeJs = node.checkForEmulators();
    log.debug("Node.js " + nodeJs.version() + " at " + nodeJs.executable());
    Map<String, String> env = new HashMap<>();
    env.put(ServerConfig.ENABLE_MULTI_TENANCY, Boolean.toString(settings.multiTenancy()));
    env.put(ServerConfig.ENABLE_ES_HARD_DELETE, Boolean.toString(settings.hardDelete()));
    env.put(ServerConfig.ENFORCE_REFERENTIAL_INTEGRITY, Boolean.toString(settings.referentialIntegrity()));
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
    // With multi-tenancy the tenant comes from the ID token's custom:tenantId; every local user has
    // the tenant 'local', and the URL may name it as in the cloud.
    String baseUrl = settings.multiTenancy() ? server.baseUrl() + "/tenant/" + LocalCognito.LOCAL_TENANT
        : server.baseUrl();
    log.info("");
    log.info("fwoa local FHIR server is up (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
    log.info("  Base URL : " + baseUrl);
    log.info("  Token    : " + token);
    log.info("             (practitioner's ID token, valid 24 h; send it as 'Authorization: Bearer <token>')");
    if (settings.multiTenancy()) {
      log.info("  Tenant   : " + LocalCognito.LOCAL_TENANT + " (multi-tenancy: the custom:tenantId of every local "
          + "user, carried by ID tokens only)");
    }
    log.info("  Try      : curl -H \"Authorization: Bearer <token>\" " + baseUrl + "/Patient/_history");
    log.info("  Users    : practitioner@fwoa.local, non-practitioner@fwoa.local, auditor@fwoa.local");
    log.info("             (passwords in " + server.dataDirectory().resolve("local-stack.json") + ")");
    log.info("  Data     : " + server.dataDirectory() + " (kept between runs; -Dfwoa.clean=true starts empty)");
    log.info("  Emulators: DynamoDB " + server.dynamoEndpoint() + ", S3 " + server.s3Endpoint() + ", Cognito "
        + server.cognitoEndpoint());
    log.info("  Search   : OpenSearch " + server.searchEndpoint() + " (embedded; every request's writes are "
        + "indexed before it returns)");
    log.info("  Integrity: references to resources that do not exist are "
        + (settings.referentialIntegrity() ? "refused" : "stored") + " (fwoa.enforceReferentialIntegrity="
        + settings.referentialIntegrity() + ")");
    log.info("");

    if (settings.exitAfterStartup()) {
      try {
        selfCheck(baseUrl, token, settings.referentialIntegrity());
        log.info("Self-check passed: /metadata, authenticated and anonymous requests, a Patient created, found by "
            + "search and deleted, and a reference to no resource " + (settings.referentialIntegrity() ? "refused"
            : "stored") + " as fwoa.enforceReferentialIntegrity says");
      } finally {
        Runtime.getRuntime().removeShutdownHook(hook);
        server.close();
        log.info("Stopped the local FHIR server and its emulators");
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

  /**
   * What a user would try first: the CapabilityStatement, an authenticated and an anonymous
   * request, and a resource that is created, found by search (through the indexing path the
   * stream Lambda runs) and deleted again; and that the referential integrity setting took effect.
   */
  private static void selfCheck(String baseUrl, String token, boolean referentialIntegrity) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      List<String> problems = new ArrayList<>();
      expect(problems, "/metadata", send(http, HttpRequest.newBuilder(URI.create(baseUrl + "/metadata"))), 200);
      expect(problems, "authenticated history", send(http, authorized(baseUrl + "/Patient/_history", token)), 200);
      expect(problems, "anonymous history",
          send(http, HttpRequest.newBuilder(URI.create(baseUrl + "/Patient/_history"))), 401);
      String family = "fwoa-self-check-" + UUID.randomUUID().toString().substring(0, 8);
      HttpResponse<String> created = send(http, authorized(baseUrl + "/Patient", token)
          .header("Content-Type", "application/fhir+json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}")));
      expect(problems, "create", created, 201);
      if (created.statusCode() == 201) {
        Matcher id = Pattern.compile("/Patient/([^/]+)/_history/").matcher(
            created.headers().firstValue("Location").orElse(""));
        String search = baseUrl + "/Patient?family=" + family + "&_total=accurate";
        expectTotal(problems, "search for the created Patient", send(http, authorized(search, token)), 1);
        if (id.find()) {
          expect(problems, "delete", send(http, authorized(baseUrl + "/Patient/" + id.group(1), token).DELETE()),
              204, 200);
          expectTotal(problems, "search after the delete", send(http, authorized(search, token)), 0);
        } else {
          problems.add("create: no Location header");
        }
      }
      HttpResponse<String> dangling = send(http, authorized(baseUrl + "/Observation", token)
          .header("Content-Type", "application/fhir+json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Observation\",\"status\":\"final\","
              + "\"code\":{\"text\":\"fwoa self-check\"},\"subject\":{\"reference\":\"Patient/" + family + "\"}}")));
      expect(problems, "a reference to no resource with fwoa.enforceReferentialIntegrity=" + referentialIntegrity,
          dangling, referentialIntegrity ? 422 : 201);
      Matcher observation = Pattern.compile("/Observation/([^/]+)/_history/").matcher(
          dangling.headers().firstValue("Location").orElse(""));
      if (observation.find()) {
        send(http, authorized(baseUrl + "/Observation/" + observation.group(1), token).DELETE());
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("Local server self-check failed: " + String.join("; ", problems));
      }
    } catch (IOException e) {
      throw new IllegalStateException("Local server self-check failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during the self-check", e);
    }
  }

  private static HttpRequest.Builder authorized(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(List<String> problems, String what, HttpResponse<String> response, int... statuses) {
    for (int s : statuses) {
      if (response.statusCode() == s) {
        return;
      }
    }
    problems.add(what + " answered " + response.statusCode() + " (expected " + statuses[0] + ")");
  }

  private static void expectTotal(List<String> problems, String what, HttpResponse<String> response, int total) {
    Matcher m = Pattern.compile("\"total\"\\s*:\\s*(\\d+)").matcher(response.body());
    if (response.statusCode() != 200 || !m.find() || Integer.parseInt(m.group(1)) != total) {
      problems.add(what + " answered " + response.statusCode() + " with total "
          + (m.find(0) ? m.group(1) : "none") + " (expected " + total + ")");
    }
  }
}
