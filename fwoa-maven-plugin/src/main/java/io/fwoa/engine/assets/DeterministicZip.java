package io.fwoa.engine.assets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zips a directory so the same content always gives the same bytes: entries sorted by path with
 * '/' separators, one fixed timestamp stored as local date-time (so the time zone does not leak in),
 * no directory entries, default compression.
 */
public final class DeterministicZip {

  /** 1980-01-01 00:00, the earliest time a zip entry can hold. */
  static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private DeterministicZip() {}

  public static void zip(Path directory, Path zipFile) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile)
          .sorted((a, b) -> entryName(directory, a).compareTo(entryName(directory, b)))
          .toList();
    }
    Files.createDirectories(zipFile.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(zipFile); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Path f : files) {
        ZipEntry entry = new ZipEntry(entryName(directory, f));
        entry.setTimeLocal(FIXED_TIME);
        zip.putNextEntry(entry);
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
  }

  static String entryName(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }
}
