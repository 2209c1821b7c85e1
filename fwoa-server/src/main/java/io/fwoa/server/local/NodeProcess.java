package io.fwoa.server.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An emulator running as a Node.js child process on 127.0.0.1, stopped with its children. It also
 * stops by itself when this JVM dies without stopping it (killed): a preloaded script exits node
 * when its standard input, a pipe this JVM holds open, ends. Otherwise a killed server would leave
 * emulators running that hold the data directory (dynalite's LevelDB lock) and the ports.
 */
public final class NodeProcess implements AutoCloseable {

  private static final String EXIT_WITH_PARENT = "process.stdin.on('end', () => process.exit(0));\n"
      + "process.stdin.on('error', () => process.exit(0));\n"
      + "process.stdin.resume();\n";
  private static volatile Path exitWithParent;

  private final String name;
  private final Process process;
  private final Path log;
  private final int port;

  private NodeProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code node script args...} and waits until it accepts connections on the port.
   */
  public static NodeProcess start(String name, Path script, List<String> args, Path workDir, Map<String, String> env,
      Path log, int port) {
    List<String> command = new ArrayList<>();
    command.add(nodeCommand());
    command.add("--require");
    command.add(exitWithParentScript().toString());
    command.add(script.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new LocalStackException("Could not start " + name + ": is Node.js ('node') on the PATH?", e);
    }
    NodeProcess np = new NodeProcess(name, p, log, port);
    np.awaitPort(30_000);
    return np;
  }

  /** The preload script, written once per JVM (removed when the JVM exits). */
  private static synchronized Path exitWithParentScript() {
    if (exitWithParent == null) {
      try {
        Path file = Files.createTempFile("fwoa-exit-with-parent", ".js");
        Files.writeString(file, EXIT_WITH_PARENT);
        file.toFile().deleteOnExit();
        exitWithParent = file;
      } catch (IOException e) {
        throw new LocalStackException("Could not write the emulators' preload script: " + e.getMessage(), e);
      }
    }
    return exitWithParent;
  }

  /** Ends the emulator's standard input, as this JVM's death would (tests). */
  void closeInput() throws IOException {
    process.getOutputStream().close();
  }

  /** Whether the emulator's process is still running. */
  boolean isAlive() {
    return process.isAlive();
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  private void awaitPort(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new LocalStackException(name + " exited with code " + process.exitValue() + " during start:\n"
            + NpmPackages.tail(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(loopback(), port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    close();
    throw new LocalStackException(name + " did not listen on 127.0.0.1:" + port + " within " + timeoutMillis
        + " ms:\n" + NpmPackages.tail(log));
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** A port that is free on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, loopback())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new LocalStackException("No free port on 127.0.0.1", e);
    }
  }

  /** 127.0.0.1 itself (never ::1 or another interface). */
  public static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String nodeCommand() {
    return System.getProperty("os.name", "").toLowerCase().contains("win") ? "node.exe" : "node";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStackException("Interrupted while waiting for an emulator");
    }
  }
}
