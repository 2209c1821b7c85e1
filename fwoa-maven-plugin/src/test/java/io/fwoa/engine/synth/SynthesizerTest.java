package io.fwoa.engine.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.constructs.ConfigurationException;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.nag.SecurityCheckException;
import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.node.NodeRuntime;
import io.fwoa.engine.node.NodeRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;

class SynthesizerTest {

  @TempDir
  Path dir;

  private final Synthesizer synthesizer = new Synthesizer(EngineLog.silent());

  @Test
  void writesACloudAssemblyWithStacksInDeploymentOrder() throws IOException {
    Path out = dir.resolve("cdk.out");
    SynthResult result = synthesizer.synthesize(
        FhirDeploymentConfig.builder().stage("prod").enableBackup(true).build(), out);

    assertThat(result.stacks()).extracting(StackSummary::stackName)
        .containsExactly("fhir-service-prod", "fhir-service-backups-prod");
    StackSummary service = result.stack("fhir-service-prod");
    assertThat(service.terminationProtection()).isTrue();
    assertThat(service.templateFile()).exists();
    JsonNode template = new ObjectMapper().readTree(service.templateFile().toFile());
    assertThat(service.resourceCount()).isEqualTo(template.path("Resources").size()).isGreaterThan(50);
    assertThat(service.outputNames()).contains("userPoolId", "ServiceEndpoint", "developerApiKeyOutput");
    assertThat(result.stack("fhir-service-backups-prod").dependencies()).containsExactly("fhir-service-prod");
    assertThat(out.resolve("manifest.json")).exists();
  }

  @Test
  void fileAssetsGoToTheFwoaToolkitBucket() throws IOException {
    Path out = dir.resolve("cdk.out");
    synthesizer.synthesize(FhirDeploymentConfig.builder().build(), out);
    JsonNode assets = new ObjectMapper().readTree(out.resolve("fhir-service-dev.assets.json").toFile());
    JsonNode files = assets.path("files");
    assertThat(files.size()).isGreaterThanOrEqualTo(2);
    files.forEach(asset -> asset.path("destinations").forEach(d ->
        assertThat(d.path("bucketName").asText()).isEqualTo("fwoa-assets-${AWS::AccountId}-us-west-2")));
    // The Lambda code is one jar asset, shared by both functions.
    long jars = 0;
    for (JsonNode asset : files) {
      if (asset.path("source").path("path").asText().endsWith(".jar")) {
        jars++;
      }
    }
    assertThat(jars).isEqualTo(1);
  }

  @Test
  void anInsecureCustomizationFailsSynthesis() {
    Synthesizer withUserBucket = new Synthesizer(EngineLog.silent(), NodeRuntime.fromEnvironment(),
        (app, deployment) -> Bucket.Builder.create(deployment.getServiceStack(), "Reports")
            .encryption(BucketEncryption.UNENCRYPTED).build());

    assertThatThrownBy(() -> withUserBucket.synthesize(FhirDeploymentConfig.builder().build(), dir.resolve("cdk.out")))
        .isInstanceOf(SecurityCheckException.class)
        .hasMessageContaining("AwsSolutions-S10 at /fhir-service-dev/Reports/Resource")
        .hasMessageContaining("HIPAA.Security-S3DefaultEncryptionKMS");
  }

  @Test
  void invalidConfigurationFailsBeforeNodeOrTheFilesystemAreTouched() {
    Path out = dir.resolve("cdk.out");
    Synthesizer noNode = new Synthesizer(EngineLog.silent(), new NodeRuntime(Map.of("PATH", "")), (a, d) -> {});
    assertThatThrownBy(() -> noNode.synthesize(FhirDeploymentConfig.builder().stage("BAD").build(), out))
        .isInstanceOf(ConfigurationException.class);
    assertThat(out).doesNotExist();
    assertThatThrownBy(() -> noNode.synthesize(FhirDeploymentConfig.builder().build(), out))
        .isInstanceOf(NodeRuntimeException.class);
    assertThat(out).doesNotExist();
  }

  @Test
  void refusesToEmptyADirectoryThatIsNotACloudAssembly() throws IOException {
    Path precious = Files.createDirectories(dir.resolve("src"));
    Files.writeString(precious.resolve("Main.java"), "class Main {}");

    assertThatThrownBy(() -> Synthesizer.prepare(precious))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Refusing to empty").hasMessageContaining("fwoa.outputDirectory");
    assertThat(precious.resolve("Main.java")).exists();
  }

  @Test
  void staleStacksFromAnEarlierSynthAreRemoved() throws IOException {
    Path out = Files.createDirectories(dir.resolve("cdk.out"));
    Files.writeString(out.resolve("manifest.json"), "{}");
    Files.writeString(out.resolve("fhir-service-old.template.json"), "{}");
    Synthesizer.prepare(out);
    assertThat(out).isEmptyDirectory();
  }
}
