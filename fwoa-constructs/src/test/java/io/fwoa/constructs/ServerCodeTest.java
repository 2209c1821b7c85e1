package io.fwoa.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
