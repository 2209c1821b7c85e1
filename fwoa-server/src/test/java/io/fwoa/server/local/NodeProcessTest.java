package io.fwoa.server.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An emulator does not outlive the JVM that started it, also when that JVM is killed. */
class NodeProcessTest {

  @TempDir
  Path dir;

  @Test
  void anEmulatorStopsWhenItsStandardInputEndsAsItDoesWhenTheServerIsKilled() throws Exception {
    int port = NodeProcess.freePort();
    try (NodeProcess node = start(port)) {
      Thread.sleep(1_000);
      assertThat(node.isAlive()).as("running while the JVM holds its input open").isTrue();

      node.closeInput();
      long deadline = System.currentTimeMillis() + 10_000;
      while (node.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(node.isAlive()).as("stopped once its input ended").isFalse();
    }
  }

  /** A server that never stops by itself: only the preloaded script can end it. */
  private NodeProcess start(int port) throws IOException {
    Path script = dir.resolve("server.js");
    Files.writeString(script, "require('http').createServer((q, s) => s.end('ok')).listen(" + port
        + ", '127.0.0.1');\n");
    return NodeProcess.start("test-server", script, List.of(), dir, Map.of(), dir.resolve("server.log"), port);
  }
}
