package io.fwoa.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.testing.CollectingLog;
import io.fwoa.engine.testing.TestAssembly;
import io.fwoa.engine.toolkit.Toolkit;
import io.fwoa.fake.aws.FakeAws;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestroyerTest {

  @TempDir
  Path dir;

  final FakeAws aws = new FakeAws();
  final CollectingLog log = new CollectingLog();
  final TestAssembly assembly = new TestAssembly();

  private void deploy(FhirDeploymentConfig config) {
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      new Deployer(session, log, assembly).deploy(config, new Deployer.Request(dir.resolve("cdk.out"), List.of(),
          dir.resolve("INFO_OUTPUT.log"), dir.resolve("outputs.json"), Toolkit.fwoa()));
    }
  }

  private List<Destroyer.Retained> destroy(FhirDeploymentConfig config) {
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      return new Destroyer(session, log).destroy(config);
    }
  }

  @Test
  void destroyDeletesBackupThenServiceAndKeepsTheToolkit() {
    FhirDeploymentConfig dev = FhirDeploymentConfig.builder().stage("dev").enableBackup(true).build();
    deploy(dev);
    aws.resetCalls();

    List<Destroyer.Retained> retained = destroy(dev);

    assertThat(aws.stackStatus("fhir-service-dev")).isNull();
    assertThat(aws.stackStatus("fhir-service-backups-dev")).isNull();
    assertThat(aws.stackStatus("fwoa-toolkit")).isEqualTo("CREATE_COMPLETE");
    assertThat(aws.calls().indexOf("CloudFormation:DeleteStack")).isLessThan(aws.calls().lastIndexOf("CloudFormation:DeleteStack"));
    assertThat(log.text().indexOf("fhir-service-backups-dev: deleting")).isLessThan(log.text().indexOf("fhir-service-dev: deleting"));
    // The backup vault is retained by its template.
    assertThat(retained).extracting(Destroyer.Retained::resourceType).containsExactly("AWS::Backup::BackupVault");
    assertThat(log.text()).contains("Retained (not deleted, still billed").contains("AWS::Backup::BackupVault fwoa-dev-vault");
  }

  @Test
  void productionDestroyTurnsOffTerminationProtectionAndListsTheRetainedDataStores() {
    FhirDeploymentConfig prod = FhirDeploymentConfig.builder().stage("prod").build();
    deploy(prod);
    assertThat(aws.terminationProtection("fhir-service-prod")).isTrue();

    List<Destroyer.Retained> retained = destroy(prod);

    assertThat(aws.stackStatus("fhir-service-prod")).isNull();
    assertThat(log.text()).contains("fhir-service-prod: turning off termination protection");
    assertThat(retained).extracting(Destroyer.Retained::resourceType)
        .containsExactlyInAnyOrder("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Cognito::UserPool");
    assertThat(retained).allMatch(r -> r.physicalId() != null && !r.physicalId().isEmpty());
  }

  @Test
  void aStackThatCannotBeDeletedShowsTheCauseAndTheWayOut() {
    FhirDeploymentConfig dev = FhirDeploymentConfig.builder().stage("dev").build();
    deploy(dev);
    aws.fail("fhir-service-dev", "ServiceBinaryBucket887A130D", FakeAws.FaultKind.DELETE,
        "The bucket you tried to delete is not empty");

    assertThatThrownBy(() -> destroy(dev)).isInstanceOf(DeployException.class)
        .hasMessageContaining("fhir-service-dev could not be deleted (DELETE_FAILED)")
        .hasMessageContaining("DELETE_FAILED AWS::S3::Bucket ServiceBinaryBucket887A130D: The bucket you tried to delete is not empty")
        .hasMessageContaining("--retain-resources ServiceBinaryBucket887A130D");
  }

  @Test
  void nothingDeployedIsNotAnError() {
    destroy(FhirDeploymentConfig.builder().stage("test").build());

    assertThat(log.text()).contains("fhir-service-test: not deployed, nothing to delete");
    assertThat(aws.calls()).doesNotContain("CloudFormation:DeleteStack");
  }

  @Test
  void productionIsRefusedWithoutConfirmationOfTheStage() {
    FhirDeploymentConfig prod = FhirDeploymentConfig.builder().stage("prod").build();

    assertThat(DestroyConfirmation.problem(prod, null, true, false)).get().asString()
        .contains("Refusing to destroy stage 'prod'").contains("-Dfwoa.confirmStage=prod");
    assertThat(DestroyConfirmation.problem(prod, "dev", true, true)).isPresent();
    assertThat(DestroyConfirmation.problem(prod, "prod", true, false)).isEmpty();
  }

  @Test
  void batchModeNeedsForce() {
    FhirDeploymentConfig dev = FhirDeploymentConfig.builder().stage("dev").build();

    assertThat(DestroyConfirmation.problem(dev, null, false, false)).get().asString()
        .contains("In batch mode it cannot ask: pass -Dfwoa.force=true").contains("fhir-service-dev");
    assertThat(DestroyConfirmation.problem(dev, null, true, false)).isEmpty();
    assertThat(DestroyConfirmation.problem(dev, null, false, true)).isEmpty();
  }
}
