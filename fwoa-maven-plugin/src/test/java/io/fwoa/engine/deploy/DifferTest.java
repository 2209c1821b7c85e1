package io.fwoa.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;

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

class DifferTest {

  @TempDir
  Path dir;

  final FakeAws aws = new FakeAws();
  final CollectingLog log = new CollectingLog();
  final TestAssembly assembly = new TestAssembly();
  final FhirDeploymentConfig dev = FhirDeploymentConfig.builder().stage("dev").build();

  private Differ.DiffReport diff() {
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      return new Differ(session, log, assembly).diff(dev, dir.resolve("cdk.out"), List.of(), Toolkit.fwoa());
    }
  }

  private void deploy() {
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      new Deployer(session, log, assembly).deploy(dev, new Deployer.Request(dir.resolve("cdk.out"), List.of(),
          dir.resolve("INFO_OUTPUT.log"), dir.resolve("outputs.json"), Toolkit.fwoa()));
    }
  }

  @Test
  void aStackThatIsNotDeployedListsEveryResourceAsAnAdditionWithoutTouchingAws() {
    Differ.DiffReport report = diff();

    assertThat(report.stacks().get("fhir-service-dev")).hasSize(9).allMatch(d -> d.action().equals("Add"));
    assertThat(log.text()).contains("fhir-service-dev: not deployed yet; deploying creates 9 resources:")
        .contains("  + AWS::DynamoDB::Table Service/ResourceTable");
    assertThat(aws.calls()).containsExactly("STS:GetCallerIdentity", "CloudFormation:DescribeStacks");
  }

  @Test
  void noChangesNeedsNoChangeSet() {
    deploy();
    aws.resetCalls();

    Differ.DiffReport report = diff();

    assertThat(report.hasChanges()).isFalse();
    assertThat(log.text()).contains("fhir-service-dev: no changes");
    assertThat(aws.calls()).doesNotContain("CloudFormation:CreateChangeSet");
  }

  @Test
  void aTemplateOverTheInlineLimitIsComparedThroughTheBucketWithoutUploadingCode() {
    assembly.largeTemplate = true;
    deploy();
    assembly.lambdaCode = "code-v2";
    aws.resetCalls();

    Differ.DiffReport report = diff();

    assertThat(report.stacks().get("fhir-service-dev")).extracting(Differ.ResourceDiff::logicalId)
        .containsExactly("ServiceFhirServer44FD6800");
    // Only the new template went to the bucket, not the new jar.
    assertThat(aws.count("S3:PutObject")).isEqualTo(1);
    assertThat(aws.objectKeys("fwoa-assets-123456789012-us-west-2")).filteredOn(k -> k.endsWith(".jar")).hasSize(1);
  }

  @Test
  void replacingTheTableIsHighlightedAndTheChangeSetIsDeletedUnexecuted() {
    deploy();
    assembly.tableName = "resource-db-dev";
    assembly.lambdaCode = "code-v2";
    log.clear();

    Differ.DiffReport report = diff();

    assertThat(report.hasDangerousChanges()).isTrue();
    assertThat(report.stacks().get("fhir-service-dev")).extracting(Differ.ResourceDiff::logicalId)
        .containsExactlyInAnyOrder("ServiceResourceTableCCEDD720", "ServiceFhirServer44FD6800");
    assertThat(log.lines()).contains("WARN   ~ AWS::DynamoDB::Table Service/ResourceTable  <-- REPLACED: a AWS::DynamoDB::Table "
        + "holds data; unless it is retained, its contents are lost", "INFO   ~ AWS::Lambda::Function Service/FhirServer");
    assertThat(aws.count("CloudFormation:DeleteChangeSet")).isEqualTo(1);
    assertThat(aws.calls()).filteredOn(c -> c.equals("CloudFormation:ExecuteChangeSet")).hasSize(2); // the two deploys only
    assertThat(aws.stackStatus("fhir-service-dev")).isEqualTo("CREATE_COMPLETE");
    // Diff never uploads code: only the (small, inline) template was sent.
    assertThat(aws.objectKeys("fwoa-assets-123456789012-us-west-2")).hasSize(2);
  }
}
