package io.fwoa.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fwoa:run checks Node.js and npm before it starts or installs anything. */
class RunGoalTest {

  @TempDir
  Path dir;

  final MojoFixture.Log log = new MojoFixture.Log();

  private RunMojo run(String path) {
    RunMojo mojo = new RunMojo();
    mojo.setLog(log);
    MojoFixture.set(mojo, "stage", "dev");
    MojoFixture.set(mojo, "port", 0);
    MojoFixture.set(mojo, "exitAfterStartup", true);
    MojoFixture.set(mojo, "dataDirectory", dir.resolve("data").toFile());
    MojoFixture.set(mojo, "cacheDirectory", dir.resolve("cache").toFile());
    mojo.environment = Map.of("PATH", path);
    return mojo;
  }

  private Path bin(String nodeVersion) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String[] tool : new String[][] {{"node", nodeVersion}, {"npm", "10.8.2"}}) {
      Path file = bin.resolve(tool[0]);
      Files.writeString(file, "#!/bin/sh\necho " + tool[1] + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin;
  }

  @Test
  void anOldNodeFailsTheGoalSayingWhatToInstallBeforeAnythingStarts() throws IOException {
    assertThatThrownBy(() -> run(bin("v18.20.4").toString()).execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("Node.js v18.20.4").hasMessageContaining("is too old")
        .hasMessageContaining("Node.js 20 or newer").hasMessageContaining("https://nodejs.org");
    assertThat(dir.resolve("data")).doesNotExist();
    assertThat(dir.resolve("cache")).doesNotExist();
  }

  @Test
  void missingNodeFailsTheGoalSayingWhatToInstall() {
    assertThatThrownBy(() -> run(dir.toString()).execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("Node.js was not found on PATH").hasMessageContaining("install Node.js with npm");
    assertThat(dir.resolve("data")).doesNotExist();
  }
}
