package io.fwoa.engine.run;

import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.node.NodeRuntime;
import io.fwoa.server.local.LocalStackException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * fwoa:run's engine: the whole FHIR service on this machine (dynalite, s3rver, cognito-local, an
 * embedded OpenSearch node fed by the stream handler, and the FHIR API through the Lambda handler),
 * until Ctrl-C.
 *
 * <p>The server runs in a JVM of its own ({@link LocalServer}), as spring-boot:run does: its JVM
 * options are the server's (by default C1 only, which saves most of the CPU a short run spends
 * compiling; see bench/ingest.sh), its threads and memory are not the build's, and stopping the build stops it.
 */
public final class LocalRun {

  /** JVM options of the forked server unless fwoa.jvmArguments says otherwise. */
  public static final String DEFAULT_JVM_ARGUMENTS = "-XX:TieredStopAtLevel=1";
  /** How long an orderly stop (flush the index, stop the emulators) may take before the JVM is killed. */
  private static final long STOP_SECONDS = 120;

  /**
   * @param dataDirectory where data is kept between runs
   * @param port FHIR API port on 127.0.0.1 (0: any free port)
   * @param cacheDirectory where the emulators are installed on first use
   * @param clean start with empty data
   * @param multiTenancy serve /tenant/&lt;id&gt;/... as the cloud does with enableMultiTenancy
   * @param exitAfterStartup check the server answers, then stop (for scripts and tests)
   * @param hardDelete remove deleted resources from the search index (else mark them deleted)
   * @param referentialIntegrity written resources may refer only to existing resources
   * @param jvmArguments options of the server's JVM
   */
  public record Settings(Path dataDirectory, int port, Path cacheDirectory, boolean clean, boolean multiTenancy,
      boolean exitAfterStartup, boolean hardDelete, boolean referentialIntegrity, List<String> jvmArguments) {

    public Settings {
      jvmArguments = List.copyOf(jvmArguments);
    }

    /** The JVM options in a setting's form: separated by whitespace. */
    public static List<String> jvmArguments(String setting) {
      return setting == null || setting.isBlank() ? List.of() : Arrays.asList(setting.trim().split("\\s+"));
    }

    List<String> toArguments() {
      return List.of(dataDirectory.toString(), Integer.toString(port), cacheDirectory.toString(),
          Boolean.toString(clean), Boolean.toString(multiTenancy), Boolean.toString(exitAfterStartup),
          Boolean.toString(hardDelete), Boolean.toString(referentialIntegrity), String.join(" ", jvmArguments));
    }

    static Settings fromArguments(List<String> a) {
      if (a.size() != 9) {
        throw new IllegalArgumentException("Expected 9 arguments, got " + a.size());
      }
      return new Settings(Path.of(a.get(0)), Integer.parseInt(a.get(1)), Path.of(a.get(2)),
          Boolean.parseBoolean(a.get(3)), Boolean.parseBoolean(a.get(4)), Boolean.parseBoolean(a.get(5)),
          Boolean.parseBoolean(a.get(6)), Boolean.parseBoolean(a.get(7)), jvmArguments(a.get(8)));
    }
  }

  private final EngineLog log;
  private final NodeRuntime node;
  private final Supplier<List<Path>> classpath;
  /** Set once the server is being stopped from here: its exit status then says nothing. */
  private final AtomicBoolean stopping = new AtomicBoolean();

  public LocalRun(EngineLog log) {
    this(log, NodeRuntime.fromEnvironment(), LocalRun::ownClasspath);
  }

  /**
   * @param node where the emulators' Node.js and npm are looked for
   * @param classpath the server JVM's classpath (asked for once node is found)
   */
  public LocalRun(EngineLog log, NodeRuntime node, Supplier<List<Path>> classpath) {
    this.log = log;
    this.node = node;
    this.classpath = classpath;
  }

  /**
   * Starts the server's JVM and relays its output until it ends: after the self-check with
   * exitAfterStartup, otherwise when this JVM is asked to stop (Ctrl-C), which stops it in order.
   *
   * @throws io.fwoa.engine.node.NodeRuntimeException before anything starts, saying what to install, when
   *     node or npm is missing from PATH or node is too old
   * @throws LocalStackException when an emulator or the search node could not start
   */
  public void run(Settings settings) {
    NodeRuntime.Node nodeJs = node.checkForEmulators();
    log.debug("Node.js " + nodeJs.version() + " at " + nodeJs.executable());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(settings.jvmArguments());
    // slf4j-simple, as in the Lambda: levels in brackets, which the relay turns into the build's levels
    command.add("-Dorg.slf4j.simpleLogger.levelInBrackets=true");
    command.add("-Dorg.slf4j.simpleLogger.showThreadName=false");
    command.add("-Dorg.slf4j.simpleLogger.showShortLogName=true");
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath.get().stream().map(Path::toString).toList()));
    command.add(LocalServer.class.getName());
    command.addAll(settings.toArguments());
    log.debug("Forking the local server: " + String.join(" ", command));

    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the local server's JVM (" + command.get(0) + "): "
          + e.getMessage(), e);
    }
    AtomicReference<String> failure = new AtomicReference<>();
    Thread out = relay(process.getInputStream(), line -> fromServer(line, failure), "fwoa-run-out");
    Thread err = relay(process.getErrorStream(), this::fromLogging, "fwoa-run-err");
    Thread hook = new Thread(() -> stop(process, out, err), "fwoa-run-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int status;
    try {
      status = process.waitFor();
      out.join();
      err.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process, out, err);
      return;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it stops the server
      }
    }
    if (status != 0 && !stopping.get()) {
      throw failed(failure.get(), status);
    }
  }

  /** Asks the server to stop in order (SIGTERM runs its shutdown hook), then waits for it. */
  private void stop(Process process, Thread out, Thread err) {
    stopping.set(true);
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        log.warn("The local server did not stop within " + STOP_SECONDS + " s; killing it (the index is caught up "
            + "with the table at the next start)");
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      out.join(5_000);
      err.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void fromServer(String line, AtomicReference<String> failure) {
    int space = line.indexOf(' ');
    String level = space < 0 ? line : line.substring(0, space);
    String message = space < 0 ? "" : line.substring(space + 1);
    switch (level) {
      case LocalServer.INFO -> log.info(message);
      case LocalServer.WARN -> log.warn(message);
      case LocalServer.DEBUG -> log.debug(message);
      case LocalServer.FAILED -> failure.set(message);
      default -> log.info(line);
    }
  }

  /** The server's library logging (slf4j-simple and the search node), at the build's levels. */
  private void fromLogging(String line) {
    if (line.startsWith("[WARN] ") || line.startsWith("[ERROR] ")) {
      log.warn(line.substring(line.indexOf(' ') + 1));
    } else if (line.startsWith("[DEBUG] ") || line.startsWith("[TRACE] ")) {
      log.debug(line.substring(line.indexOf(' ') + 1));
    } else {
      log.info(line.startsWith("[INFO] ") ? line.substring(7) : line);
    }
  }

  private static Thread relay(InputStream stream, Consumer<String> sink, String name) {
    Thread t = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // the server's JVM ended
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The failure the server reported, as the exception the goal would have seen in its own JVM. */
  private static RuntimeException failed(String reported, int status) {
    if (reported == null) {
      return new IllegalStateException("The local server's JVM exited with status " + status
          + " without saying why; its output is above");
    }
    int space = reported.indexOf(' ');
    String kind = space < 0 ? reported : reported.substring(0, space);
    String message = space < 0 ? "" : reported.substring(space + 1);
    return switch (kind) {
      case "STACK" -> new LocalStackException(message);
      case "IO" -> new UncheckedIOException(message, new IOException(message));
      case "STATE" -> new IllegalStateException(message);
      default -> new RuntimeException(message);
    };
  }

  /** This JVM's class path, for a server started outside Maven (tests, benchmarks). */
  public static List<Path> ownClasspath() {
    List<Path> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        out.add(Path.of(entry));
      }
    }
    return out;
  }
}
