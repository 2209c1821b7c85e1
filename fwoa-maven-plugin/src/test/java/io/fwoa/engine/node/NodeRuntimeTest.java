package io.fwoa.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRuntimeTest {

  @TempDir
  Path dir;

  private Path fakeNode(String script) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path node = bin.resolve("node");
    Files.writeString(node, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private Path fakeNpm(Path bin) throws IOException {
    Path npm = bin.resolve("npm");
    Files.writeString(npm, "#!/bin/sh\necho 10.8.2\n");
    Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  @Test
  void theEmulatorsNeedNodeOnPathSayingWhatToInstall() {
    assertThatThrownBy(() -> new NodeRuntime(Map.of("PATH", dir.toString())).checkForEmulators())
        .isInstanceOf(NodeRuntimeException.class)
        .hasMessageContaining("Node.js was not found on PATH")
        .hasMessageContaining("fwoa:run installs its DynamoDB, S3 and Cognito emulators")
        .hasMessageContaining("install Node.js with npm")
        .hasMessageNotContaining("JSII_NODE");
  }

  @Test
  void theEmulatorsNeedNode20() throws IOException {
    Path bin = fakeNpm(fakeNode("echo v18.19.0"));
    assertThatThrownBy(() -> new NodeRuntime(Map.of("PATH", bin.toString())).checkForEmulators())
        .isInstanceOf(NodeRuntimeException.class)
        .hasMessageContaining("Node.js v18.19.0").hasMessageContaining("is too old")
        .hasMessageContaining("Node.js 20 or newer").hasMessageContaining("fwoa:run");
  }

  @Test
  void theEmulatorsNeedNpm() throws IOException {
    Path bin = fakeNode("echo v20.11.1");
    assertThatThrownBy(() -> new NodeRuntime(Map.of("PATH", bin.toString())).checkForEmulators())
        .isInstanceOf(NodeRuntimeException.class)
        .hasMessageContaining("npm was not found on PATH").hasMessageContaining("Node.js v20.11.1");

    assertThat(new NodeRuntime(Map.of("PATH", fakeNpm(bin).toString())).checkForEmulators().major()).isEqualTo(20);
  }

  @Test
  void theEmulatorsRunOnNodeFromPathNotJsiiNode() throws IOException {
    Path bin = fakeNpm(fakeNode("echo v18.19.0"));
    Path newer = Files.createDirectories(dir.resolve("newer"));
    Files.writeString(newer.resolve("node"), "#!/bin/sh\necho v22.11.0\n");
    Files.setPosixFilePermissions(newer.resolve("node"), PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThatThrownBy(() -> new NodeRuntime(Map.of("PATH", bin.toString(), "JSII_NODE",
        newer.resolve("node").toString())).checkForEmulators()).hasMessageContaining("is too old");
  }

  @Test
  void missingNodeSaysWhatToInstall() {
    NodeRuntime runtime = new NodeRuntime(Map.of("PATH", dir.toString()));
    assertThatThrownBy(runtime::check)
        .isInstanceOf(NodeRuntimeException.class)
        .hasMessageContaining("Node.js was not found on PATH")
        .hasMessageContaining("install Node.js")
        .hasMessageContaining("JSII_NODE");
  }

  @Test
  void tooOldNodeSaysWhichVersionIsNeeded() throws IOException {
    Path bin = fakeNode("echo v16.20.2");
    assertThatThrownBy(() -> new NodeRuntime(Map.of("PATH", bin.toString())).check())
        .isInstanceOf(NodeRuntimeException.class)
        .hasMessageContaining("Node.js v16.20.2")
        .hasMessageContaining("is too old")
        .hasMessageContaining("Node.js " + NodeRuntime.MINIMUM_MAJOR + " or newer");
  }

  @Test
  void brokenNodeIsReported() throws IOException {
    Path bin = fakeNode("echo 'segfault' >&2; exit 3");
    assertThatThrownBy(() -> new NodeRuntime(Map.of("PATH", bin.toString())).check())
        .hasMessageContaining("failed (exit 3)").hasMessageContaining("segfault");
  }

  @Test
  void jsiiNodeTakesPrecedenceAndMustExist() throws IOException {
    Path bin = fakeNode("echo v22.11.0");
    NodeRuntime.Node node = new NodeRuntime(Map.of("PATH", "/nonexistent", "JSII_NODE", bin.resolve("node").toString())).check();
    assertThat(node.major()).isEqualTo(22);
    assertThat(node.endOfLife()).isFalse();

    assertThatThrownBy(() -> new NodeRuntime(Map.of("JSII_NODE", dir.resolve("nope").toString())).check())
        .hasMessageContaining("JSII_NODE is set to").hasMessageContaining("not an executable file");
  }

  @Test
  void theMachinesNodeIsFound() {
    NodeRuntime.Node node = NodeRuntime.fromEnvironment().check();
    assertThat(node.major()).isGreaterThanOrEqualTo(NodeRuntime.MINIMUM_MAJOR);
    assertThat(node.executable()).isExecutable();
  }
}
