package io.fwoa.engine.run;

import io.fwoa.engine.log.EngineLog;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.local.LocalCognito;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalLog;
import io.fwoa.server.local.LocalStackException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The JVM fwoa:run forks: starts the local FHIR server, prints how to use it, and runs until it is
 * asked to stop (a signal, or the end of its standard input, which is when the build that started it
 * has gone). Its standard output carries one log line per line, each starting with its level and a
 * space ({@link #INFO}, {@link #WARN}, {@link #DEBUG}); a failure is reported last, as {@link #FAILED}
 * followed by its kind and message, and the exit status is then 1.
 */
public final class LocalServer {

  static final String INFO = "I";
  static final String WARN = "W";
  static final String DEBUG = "D";
  static final String FAILED = "F";

  /** Kinds of failure, so the goal reports each as it would have in its own JVM. */
  enum Failure { STACK, IO, STATE, OTHER }

  private LocalServer() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    EngineLog log = new EngineLog() {
      @Override
      public void info(String message) {
        line(out, INFO, message);
      }

      @Override
      public void warn(String message) {
        line(out, WARN, message);
      }

      @Override
      public void debug(String message) {
        line(out, DEBUG, message);
      }
    };
    try {
      LocalRun.Settings settings = LocalRun.Settings.fromArguments(List.of(args));
      watchStandardInput();
      serve(settings, log);
      System.exit(0);
    } catch (RuntimeException | Error e) {
      Failure kind = e instanceof LocalStackException ? Failure.STACK
          : e instanceof UncheckedIOException ? Failure.IO
          : e instanceof IllegalStateException || e instanceof IllegalArgumentException ? Failure.STATE
          : Failure.OTHER;
      String message = e.getMessage() != null ? e.getMessage() : e.toString();
      line(out, FAILED, kind + " " + message);
      System.exit(1);
    }
  }

  /** Each line of a multi-line message is its own line of output, with the same level. */
  private static void line(PrintStream out, String level, String message) {
    synchronized (out) {
      for (String part : message.split("\n", -1)) {
        out.println(level + " " + part);
      }
    }
  }

  /**
   * Stops the server (orderly, through the shutdown hook) when standard input ends: the build that
   * forked this JVM keeps it open until it exits, also when it is killed.
   */
  private static void watchStandardInput() {
    Thread watch = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // nothing is sent; wait for the end
        }
      } catch (IOException e) {
        // the pipe broke: the parent is gone
      }
      System.exit(0);
    }, "fwoa-run-parent-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /** Starts everything, prints how to use it, and blocks until the JVM is asked to stop. */
  static void serve(LocalRun.Settings settings, EngineLog log) {
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
      log.info("Stopped the local FHIR server and its emulators");
      stopped.countDown();
    }, "fwoa-run-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    String token = server.token("practitioner");
    // With multi-tenancy the tenant comes from the ID token's custom:tenantId; every local user has
    // the tenant 'local', and the URL may name it as in the cloud.
    String baseUrl = settings.multiTenancy() ? server.baseUrl() + "/tenant/" + LocalCognito.LOCAL_TENANT
        : server.baseUrl();
    banner(log, settings, server, baseUrl, token, (System.nanoTime() - start) / 1_000_000);

    if (settings.exitAfterStartup()) {
      try {
        SelfCheck.run(baseUrl, token, settings.referentialIntegrity());
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
    }
  }

  private static void banner(EngineLog log, LocalRun.Settings settings, LocalFhirServer server, String baseUrl,
      String token, long startMillis) {
    log.info("");
    log.info("fwoa local FHIR server is up (" + startMillis + " ms)");
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
    // The options this JVM was started with (not the setting), less the logging format the goal adds.
    List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-Dorg.slf4j.simpleLogger.")).toList();
    log.info("  JVM      : " + String.join(" ", options) + " (fwoa.jvmArguments), Java "
        + Runtime.version().feature() + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
    log.info("");
  }
}
