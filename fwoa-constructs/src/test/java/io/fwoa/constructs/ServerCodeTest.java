package io.fwoa.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;

class ServerCodeTest {

  @Test
  void theBundledJarIsTheServerNamedByItsSha256() throws IOException, NoSuchAlgorithmException {
    Path jar = ServerCode.bundledJar();
    String sha;
    try (InputStream in = Files.newInputStream(jar)) {
      sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    }
    assertThat(jar.getFileName().toString()).isEqualTo("fwoa-server-" + sha + ".jar");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      assertThat(zip.getEntry("io/fwoa/server/lambda/FhirApiHandler.class")).isNotNull();
      assertThat(zip.getEntry("io/fwoa/server/lambda/StreamIndexHandler.class")).isNotNull();
    }
    assertThat(ServerCode.bundledJar()).isEqualTo(jar);
  }

  /**
   * The search index documents the stream Lambda writes, built from the jar alone (an isolated
   * class loader, as in the Lambda runtime): every library the FHIRPath evaluation needs must be
   * in the jar, not only on the test classpath.
   */
  @Test
  void theBundledJarBuildsSearchDocumentsOnItsOwn() throws Exception {
    String observation = """
        {"resourceType":"Observation","id":"o1","status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
         "subject":{"reference":"Patient/p1"},
         "valueQuantity":{"value":5.4,"system":"http://unitsofmeasure.org","code":"mg"}}""";
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader jar = new URLClassLoader(new URL[] {ServerCode.bundledJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      thread.setContextClassLoader(jar);
      Class<?> documents = jar.loadClass("io.fwoa.server.search.index.Documents");
      Object built = documents.getMethod("build", String.class, String.class, String.class, long.class,
          Instant.class, String.class).invoke(documents.getConstructor().newInstance(), null, "Observation", "o1",
          1L, Instant.parse("2026-01-01T00:00:00Z"), observation);
      assertThat(built.toString())
          .contains("http://loinc.org|8480-6")
          .contains("Patient/p1")
          .contains("\"status\"")
          .contains("0.0054");
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void theAssetKeyIsStableAcrossSyntheses() {
    assertThat(assetKey()).isEqualTo(assetKey()).matches("[0-9a-f]{64}\\.jar");
  }

  private static String assetKey() {
    Stack stack = TestStacks.stack();
    Function.Builder.create(stack, "Fn").runtime(Runtime.JAVA_21).handler(ServerCode.API_HANDLER)
        .code(ServerCode.bundled()).build();
    Object code = TestStacks.properties(TestStacks.only(Template.fromStack(stack), "AWS::Lambda::Function")).get("Code");
    String s = String.valueOf(code);
    return s.substring(s.indexOf("S3Key=") + 6, s.indexOf(".jar") + 4);
  }
}
