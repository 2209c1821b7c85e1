package io.fwoa.constructs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The fwoa-server Lambda code that ships inside this jar, so the constructs deploy a working FHIR
 * server from any CDK Java app without a separate download or build step.
 */
public final class ServerCode {

  /** Handler of the FHIR API function. */
  public static final String API_HANDLER = "io.fwoa.server.lambda.FhirApiHandler::handleRequest";
  /** Handler of the DynamoDB stream to search index function. */
  public static final String STREAM_HANDLER = "io.fwoa.server.lambda.StreamIndexHandler::handleRequest";

  private static final String RESOURCE = "/io/fwoa/constructs/code/fwoa-server-lambda.jar";

  private static Path extracted;

  private ServerCode() {}

  /** Lambda code for the bundled fwoa-server jar. */
  public static Code bundled() {
    return Code.fromAsset(bundledJar().toString());
  }

  /**
   * Extracts the bundled jar once per JVM, to a file named by its content hash, so the CDK asset
   * hash (and therefore the deployed code) changes only when the server changes.
   */
  public static synchronized Path bundledJar() {
    if (extracted != null && Files.isRegularFile(extracted)) {
      return extracted;
    }
    try {
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "fwoa-server-code");
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "extract", ".tmp");
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = open(); DigestInputStream digest = new DigestInputStream(in, sha)) {
        Files.copy(digest, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
      Path target = dir.resolve("fwoa-server-" + hash + ".jar");
      if (Files.isRegularFile(target) && Files.size(target) == Files.size(tmp)) {
        Files.delete(tmp);
      } else {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      extracted = target;
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract the bundled fwoa-server Lambda code", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InputStream open() {
    InputStream in = ServerCode.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("The fwoa-server Lambda code (" + RESOURCE + ") is missing from the "
          + "fwoa-constructs jar. Build it with './mvnw package' from the project root, or pass your own "
          + "Code to the construct props.");
    }
    return in;
  }
}
