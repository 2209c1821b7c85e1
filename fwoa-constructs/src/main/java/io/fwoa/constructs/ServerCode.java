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
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import software.amazon.awscdk.AssetHashType;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.assets.AssetOptions;

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
  private static final String HASH_RESOURCE = RESOURCE + ".sha256";

  private static Path extracted;
  private static String extractedHash;

  private ServerCode() {}

  /**
   * Lambda code for the bundled fwoa-server jar. Its asset hash is the jar's SHA-256, so the
   * deployed code (and the template) change only when the server changes.
   */
  public static Code bundled() {
    Path jar = bundledJar();
    return Code.fromAsset(jar.toString(), AssetOptions.builder()
        .assetHashType(AssetHashType.CUSTOM)
        .assetHash(extractedHash)
        .build());
  }

  /**
   * Extracts the bundled jar to a file named by its SHA-256, once per machine: later runs find it
   * by the hash recorded at build time and skip the 50 MB copy.
   */
  public static synchronized Path bundledJar() {
    if (extracted != null && Files.isRegularFile(extracted)) {
      return extracted;
    }
    try {
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "fwoa-server-code");
      Files.createDirectories(dir);
      String recorded = recordedHash();
      if (recorded != null && Files.isRegularFile(target(dir, recorded))) {
        extracted = target(dir, recorded);
        extractedHash = recorded;
        return extracted;
      }
      Path tmp = Files.createTempFile(dir, "extract", ".tmp");
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = open(); DigestInputStream digest = new DigestInputStream(in, sha)) {
        Files.copy(digest, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      String hash = HexFormat.of().formatHex(sha.digest());
      // Complete files only ever appear under the final name.
      Files.move(tmp, target(dir, hash), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      extracted = target(dir, hash);
      extractedHash = hash;
      return extracted;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract the bundled fwoa-server Lambda code", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path target(Path dir, String hash) {
    return dir.resolve("fwoa-server-" + hash + ".jar");
  }

  /** The SHA-256 the build wrote beside the jar, or null when running from an unpackaged build. */
  private static String recordedHash() throws IOException {
    try (InputStream in = ServerCode.class.getResourceAsStream(HASH_RESOURCE)) {
      if (in == null) {
        return null;
      }
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return text.matches("[0-9a-f]{64}.*") ? text.substring(0, 64) : null;
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
