package io.fwoa.engine.cognito;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a token for scripts ({@code curl -H "Authorization: Bearer $(cat FILE)"}): readable and
 * writable by the owner only from the moment it exists (created with those permissions in the target
 * directory, then moved over any previous file, so no other user ever sees a readable token).
 */
public final class TokenFile {

  private TokenFile() {}

  public static void write(Path file, String token) {
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path tmp;
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        tmp = Files.createTempFile(target.getParent(), ".fwoa-token", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        tmp = Files.createTempFile(target.getParent(), ".fwoa-token", ".tmp");
        var f = tmp.toFile();
        // Without POSIX permissions (Windows): the closest the JDK offers is owner-only flags.
        boolean restricted = f.setReadable(false, false) & f.setReadable(true, true)
            & f.setWritable(false, false) & f.setWritable(true, true);
        if (!restricted) {
          Files.deleteIfExists(tmp);
          throw new IOException("cannot restrict the file to its owner");
        }
      }
      try {
        Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the token file " + target + ": " + e.getMessage(), e);
    }
  }
}
