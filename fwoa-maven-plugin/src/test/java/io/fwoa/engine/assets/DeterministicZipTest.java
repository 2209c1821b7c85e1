package io.fwoa.engine.assets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterministicZipTest {

  @TempDir
  Path dir;

  private Path tree(String name, long mtime) throws Exception {
    Path root = dir.resolve(name);
    Files.createDirectories(root.resolve("lib/deep"));
    Files.writeString(root.resolve("index.js"), "exports.handler = 1;\n");
    Files.writeString(root.resolve("lib/deep/b.js"), "b\n");
    Files.writeString(root.resolve("lib/a.js"), "a\n");
    try (var walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
      }
    }
    return root;
  }

  @Test
  void sameContentGivesTheSameBytesWhateverTheFileTimes() throws Exception {
    Path a = dir.resolve("a.zip");
    Path b = dir.resolve("b.zip");
    DeterministicZip.zip(tree("one", 1_000_000_000_000L), a);
    DeterministicZip.zip(tree("two", 1_700_000_000_000L), b);

    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void entriesAreSortedWithForwardSlashesAndAFixedTime() throws Exception {
    Path zip = dir.resolve("x.zip");
    DeterministicZip.zip(tree("t", 1_600_000_000_000L), zip);

    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
        assertThat(e.getTimeLocal()).isEqualTo(DeterministicZip.FIXED_TIME);
      }
    }
    assertThat(names).containsExactly("index.js", "lib/a.js", "lib/deep/b.js");
  }
}
