package io.fwoa.engine.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.testing.CollectingLog;
import io.fwoa.fake.aws.FakeAws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {

  @TempDir
  Path dir;

  private static DeployedOutputs outputs() {
    Map<String, Map<String, String>> stacks = new LinkedHashMap<>();
    Map<String, String> service = new LinkedHashMap<>();
    service.put("ServiceEndpoint", "https://abc.execute-api.us-west-2.amazonaws.com/dev/");
    service.put("userPoolId", "us-west-2_AbC");
    service.put("developerApiKeyOutput", "k3y1d");
    service.put("adminPassword", "hunter2");
    stacks.put("fhir-service-dev", service);
    stacks.put("fhir-service-backups-dev", Map.of("backupVaultNameOutput", "vault"));
    return new DeployedOutputs("us-west-2", stacks);
  }

  @Test
  void infoOutputLogHasNameEqualsValueLinesPerStack() throws Exception {
    OutputFiles.write(outputs(), dir.resolve("INFO_OUTPUT.log"), dir.resolve("target/fwoa/outputs.json"));

    assertThat(Files.readAllLines(dir.resolve("INFO_OUTPUT.log"))).containsExactly(
        "# fhir-service-dev (us-west-2)",
        "ServiceEndpoint = https://abc.execute-api.us-west-2.amazonaws.com/dev/",
        "userPoolId = us-west-2_AbC",
        "developerApiKeyOutput = k3y1d",
        "adminPassword = (secret, not shown)",
        "# fhir-service-backups-dev (us-west-2)",
        "backupVaultNameOutput = vault");
  }

  @Test
  void outputsJsonHasTheCdkOutputsFileShape() throws Exception {
    OutputFiles.write(outputs(), dir.resolve("INFO_OUTPUT.log"), dir.resolve("target/fwoa/outputs.json"));

    JsonNode json = new ObjectMapper().readTree(dir.resolve("target/fwoa/outputs.json").toFile());
    assertThat(json.fieldNames()).toIterable().containsExactly("fhir-service-dev", "fhir-service-backups-dev");
    assertThat(json.path("fhir-service-dev").path("userPoolId").asText()).isEqualTo("us-west-2_AbC");
    assertThat(json.path("fhir-service-dev").path("adminPassword").asText()).isEqualTo(Secrets.MASK);
    assertThat(json.toString()).doesNotContain("hunter2");
  }

  @Test
  void rewritingReplacesTheOldContent() throws Exception {
    Path info = dir.resolve("INFO_OUTPUT.log");
    Files.writeString(info, "stale = value\n".repeat(100));

    OutputFiles.write(new DeployedOutputs("us-west-2", Map.of("s", Map.of("a", "b"))), info, dir.resolve("o.json"));

    assertThat(Files.readString(info)).isEqualTo("# s (us-west-2)\na = b\n");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void secretLookingNamesAreMaskedButIdsAreNot() {
    assertThat(Secrets.isSecret("developerApiKeyOutput")).isFalse();
    assertThat(Secrets.isSecret("userPoolAppClientId")).isFalse();
    assertThat(Secrets.isSecret(io.fwoa.constructs.FhirOutputs.SMART_CONFIGURATION_ENDPOINT)).isFalse();
    assertThat(Secrets.isSecret("developerApiKeyValue")).isTrue();
    assertThat(Secrets.isSecret("ClientSecret")).isTrue();
    assertThat(Secrets.isSecret("db_password")).isTrue();
  }

  @Test
  void readingANotDeployedConfigurationSaysWhatToCheck() {
    FakeAws aws = new FakeAws();
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), new CollectingLog())) {
      assertThatThrownBy(() -> StackOutputs.read(session, FhirDeploymentConfig.builder().stage("qa").build()))
          .isInstanceOf(NotDeployedException.class)
          .hasMessageContaining("Stack fhir-service-qa is not deployed in us-west-2")
          .hasMessageContaining("-Dfwoa.stage, -Dfwoa.region and -Dfwoa.profile");
    }
  }

  @Test
  void requireNamesTheMissingOutput() {
    assertThatThrownBy(() -> outputs().require("elasticsearchDomainKibanaEndpointOutput"))
        .isInstanceOf(NotDeployedException.class)
        .hasMessageContaining("have no output 'elasticsearchDomainKibanaEndpointOutput'");
    assertThat(outputs().find("backupVaultNameOutput")).contains("vault");
  }
}
