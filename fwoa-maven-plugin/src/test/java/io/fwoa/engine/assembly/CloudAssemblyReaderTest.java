package io.fwoa.engine.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.testing.TestAssembly;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudAssemblyReaderTest {

  @TempDir
  Path dir;

  @Test
  void readsStacksInDependencyOrderWithTagsProtectionAndConstructPaths() {
    new TestAssembly().assemble(FhirDeploymentConfig.builder().stage("prod").enableBackup(true).region("eu-west-1").build(), dir);

    List<AssemblyStack> stacks = CloudAssemblyReader.read(dir);

    assertThat(stacks).extracting(AssemblyStack::stackName).containsExactly("fhir-service-prod", "fhir-service-backups-prod");
    AssemblyStack service = stacks.get(0);
    assertThat(service.region()).isEqualTo("eu-west-1");
    assertThat(service.terminationProtection()).isTrue();
    assertThat(service.tags()).containsEntry("FHIR_SERVICE", "fhir-service-eu-west-1-prod");
    assertThat(service.assetManifest()).hasFileName("fhir-service-prod.assets.json");
    assertThat(service.displayName("ServiceResourceTableCCEDD720")).isEqualTo("Service/ResourceTable");
    assertThat(service.displayName("Unknown123")).isEqualTo("Unknown123");
    assertThat(stacks.get(1).dependencies()).containsExactly("fhir-service-prod");
  }
}
