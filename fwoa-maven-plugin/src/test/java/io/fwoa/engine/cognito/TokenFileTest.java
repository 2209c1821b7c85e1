package io.fwoa.engine.cognito;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

  @TempDir
  Path dir;

  @Test
  void replacesAReadableFileWithAnOwnerOnlyOneAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "old token");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    TokenFile.write(file, "eyJ.new.token");

    assertThat(Files.readString(file)).isEqualTo("eyJ.new.token\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (var listing = Files.list(dir)) {
      assertThat(listing).containsExactly(file);
    }
  }
}
