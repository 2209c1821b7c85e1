package io.fwoa.engine.node;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the Node.js that the AWS CDK's jsii runtime will start, and checks it is new enough,
 * before anything touches aws-cdk-lib: without it jsii fails with an obscure I/O error.
 * jsii takes {@code JSII_NODE} if set, otherwise {@code node} from PATH. fwoa:run's emulators need
 * {@code node} and {@code npm} from PATH ({@link #checkForEmulators()}).
 */
public final class NodeRuntime {

  /**
   * Oldest Node.js major version fwoa runs on: the CDK's jsii runtime's, and dynalite 4's (fwoa:run's
   * DynamoDB emulator declares node &gt;= 20).
   */
  public static final int MINIMUM_MAJOR = 20;

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");

  /** Oldest major version jsii itself still supports; older ones work but print a banner. */
  public static final int SUPPORTED_MAJOR = 22;

  /** A usable Node.js. */
  public record Node(Path executable, String version, int major) {
    /** jsii considers this version end-of-life (it still runs, with a warning banner). */
    public boolean endOfLife() {
      return major < SUPPORTED_MAJOR;
    }
  }

  private final Map<String, String> env;

  public NodeRuntime(Map<String, String> env) {
    this.env = env;
  }

  /** The Node.js of this process's environment. */
  public static NodeRuntime fromEnvironment() {
    return new NodeRuntime(System.getenv());
  }

  /**
   * @throws NodeRuntimeException saying what to install when node is missing, broken or too old
   */
  public Node check() {
    Path executable = locate().orElseThrow(() -> new NodeRuntimeException(
        "Node.js was not found on PATH. The AWS CDK synthesizes templates with its jsii runtime, which "
            + "runs on Node.js " + MINIMUM_MAJOR + " or newer: install Node.js (LTS from https://nodejs.org, "
            + "or your package manager) and make sure 'node' is on PATH, or set JSII_NODE to its path."));
    return version(executable, "the AWS CDK's jsii runtime needs Node.js " + MINIMUM_MAJOR + " or newer",
        "or point JSII_NODE at a newer node");
  }

  /**
   * What fwoa:run needs: {@code node} (Node.js {@value #MINIMUM_MAJOR}+) and {@code npm} on PATH, which
   * install and run its DynamoDB, S3 and Cognito emulators. JSII_NODE plays no part here.
   *
   * @throws NodeRuntimeException saying what to install when either is missing, or node is broken or too old
   */
  public Node checkForEmulators() {
    String needs = "fwoa:run installs its DynamoDB, S3 and Cognito emulators (dynalite, s3rver, cognito-local) "
        + "with npm and runs them on Node.js " + MINIMUM_MAJOR + " or newer";
    Path executable = onPath(executableNames("node")).orElseThrow(() -> new NodeRuntimeException(
        "Node.js was not found on PATH. " + needs + ": install Node.js with npm (LTS from https://nodejs.org, or "
            + "your package manager) and make sure 'node' and 'npm' are on PATH."));
    Node node = version(executable, needs, "and make sure it comes first on PATH");
    if (onPath(executableNames("npm")).isEmpty()) {
      throw new NodeRuntimeException("npm was not found on PATH (Node.js " + node.version() + " is at " + executable
          + "). " + needs + ": install npm with Node.js (LTS from https://nodejs.org; some package managers ship it "
          + "separately, e.g. 'apt install npm') and make sure 'npm' is on PATH.");
    }
    return node;
  }

  private Node version(Path executable, String needs, String alternative) {
    String output = run(executable);
    Matcher m = VERSION.matcher(output);
    if (!m.find()) {
      throw new NodeRuntimeException("'" + executable + " --version' printed '" + output.trim()
          + "', not a Node.js version. Install Node.js " + MINIMUM_MAJOR + " or newer from https://nodejs.org.");
    }
    int major = Integer.parseInt(m.group(1));
    String version = m.group(0).startsWith("v") ? m.group(0) : "v" + m.group(0);
    if (major < MINIMUM_MAJOR) {
      throw new NodeRuntimeException("Node.js " + version + " at " + executable + " is too old: " + needs
          + ". Install a current LTS from https://nodejs.org (or with nvm: 'nvm install --lts'), " + alternative
          + ".");
    }
    return new Node(executable, version, major);
  }

  Optional<Path> locate() {
    String jsiiNode = env.get("JSII_NODE");
    if (jsiiNode != null && !jsiiNode.isBlank()) {
      Path p = Path.of(jsiiNode);
      if (!Files.isExecutable(p)) {
        throw new NodeRuntimeException("JSII_NODE is set to '" + jsiiNode + "', which is not an executable file. "
            + "Point it at a Node.js " + MINIMUM_MAJOR + "+ binary, or unset it to use 'node' from PATH.");
      }
      return Optional.of(p);
    }
    return onPath(executableNames("node"));
  }

  private static List<String> executableNames(String command) {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    return windows ? List.of(command + ".exe", command + ".cmd", command) : List.of(command);
  }

  private Optional<Path> onPath(List<String> names) {
    String path = env.getOrDefault("PATH", env.getOrDefault("Path", ""));
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      for (String name : names) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static String run(Path executable) {
    try {
      Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new NodeRuntimeException("'" + executable + " --version' did not finish in 30 s.");
      }
      if (p.exitValue() != 0) {
        throw new NodeRuntimeException("'" + executable + " --version' failed (exit " + p.exitValue() + "): "
            + new String(out, StandardCharsets.UTF_8).trim() + ". Reinstall Node.js " + MINIMUM_MAJOR + "+.");
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NodeRuntimeException("Cannot run '" + executable + " --version': " + e.getMessage()
          + ". Reinstall Node.js " + MINIMUM_MAJOR + "+ from https://nodejs.org.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeRuntimeException("Interrupted while checking Node.js");
    }
  }
}
