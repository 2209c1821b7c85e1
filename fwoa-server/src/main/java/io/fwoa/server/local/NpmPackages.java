package io.fwoa.server.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs an npm project shipped on the classpath (package.json + package-lock.json) into a cache
 * directory with {@code npm ci}, once per lock file content: the directory name carries the lock
 * file's hash, so a changed lock installs afresh and an unchanged one is reused. Concurrent
 * installs (several builds, several test JVMs) are serialized with a file lock.
 */
public final class NpmPackages {

  private static final String MARKER = ".fwoa-installed";

  private NpmPackages() {}

  /** The default cache: $FWOA_CACHE_DIR, or ~/.cache/fwoa. */
  public static Path defaultCacheDirectory() {
    String env = System.getenv("FWOA_CACHE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "fwoa");
  }

  /**
   * @param resourceDir classpath directory holding package.json and package-lock.json
   * @param name short name for the cache directory
   * @return the installed node_modules directory
   */
  public static Path install(ClassLoader loader, String resourceDir, String name, Path cacheRoot, LocalLog log) {
    byte[] manifest = resource(loader, resourceDir + "/package.json");
    byte[] lock = resource(loader, resourceDir + "/package-lock.json");
    Path dir = cacheRoot.resolve(name + "-" + hash(lock));
    Path modules = dir.resolve("node_modules");
    if (Files.exists(dir.resolve(MARKER))) {
      return modules;
    }
    try {
      Files.createDirectories(cacheRoot);
      try (FileChannel channel = FileChannel.open(cacheRoot.resolve(dir.getFileName() + ".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        if (Files.exists(dir.resolve(MARKER))) {
          return modules;
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("package.json"), manifest);
        Files.write(dir.resolve("package-lock.json"), lock);
        log.info("Installing " + name + " from its lock file into " + dir + " (first use only)...");
        Path output = dir.resolve("npm-install.log");
        Process npm = new ProcessBuilder(List.of(npmCommand(), "ci", "--ignore-scripts", "--no-audit", "--no-fund",
            "--loglevel=error"))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        if (!npm.waitFor(15, TimeUnit.MINUTES)) {
          npm.destroyForcibly();
          throw new LocalStackException("npm ci for " + name + " did not finish within 15 minutes; see " + output);
        }
        if (npm.exitValue() != 0) {
          throw new LocalStackException("npm ci for " + name + " failed (exit " + npm.exitValue() + "):\n"
              + tail(output));
        }
        Files.writeString(dir.resolve(MARKER), "ok\n");
        return modules;
      }
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("Cannot run program")) {
        throw new LocalStackException("npm was not found on the PATH: install Node.js (with npm) 20 or newer", e);
      }
      throw new UncheckedIOException("Could not install " + name + " into " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStackException("Interrupted while installing " + name, e);
    }
  }

  static String npmCommand() {
    return System.getProperty("os.name", "").toLowerCase().contains("win") ? "npm.cmd" : "npm";
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private static byte[] resource(ClassLoader loader, String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing classpath resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hash(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
