package io.fwoa.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.aws.CredentialsException;
import io.fwoa.engine.node.NodeRuntime;
import io.fwoa.engine.node.NodeRuntimeException;
import io.fwoa.engine.synth.Synthesizer;
import io.fwoa.engine.testing.CollectingLog;
import io.fwoa.engine.testing.TestAssembly;
import io.fwoa.engine.toolkit.Toolkit;
import io.fwoa.fake.aws.FakeAws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;

class DeployerTest {

  private static final String BUCKET = "fwoa-assets-" + FakeAws.DEFAULT_ACCOUNT + "-us-west-2";
  private static final String SERVICE = "fhir-service-dev";

  @TempDir
  Path dir;

  final FakeAws aws = new FakeAws();
  final CollectingLog log = new CollectingLog();
  final TestAssembly assembly = new TestAssembly();
  final FhirDeploymentConfig dev = FhirDeploymentConfig.builder().stage("dev").build();

  DeployReport deploy(FhirDeploymentConfig config) {
    return deploy(config, List.of());
  }

  DeployReport deploy(FhirDeploymentConfig config, List<String> stacks) {
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      return new Deployer(session, log, assembly).deploy(config, new Deployer.Request(dir.resolve("cdk.out"), stacks,
          dir.resolve("INFO_OUTPUT.log"), dir.resolve("target/fwoa/outputs.json"), Toolkit.fwoa()));
    }
  }

  @Test
  void firstDeployCreatesTheToolkitUploadsAssetsAndCreatesTheStack() {
    DeployReport report = deploy(dev);

    assertThat(report.stacks()).extracting(StackResult::outcome).containsExactly(StackResult.Outcome.CREATED);
    assertThat(aws.stackStatus("fwoa-toolkit")).isEqualTo("CREATE_COMPLETE");
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
    assertThat(log.text()).contains("No fwoa toolkit stack in us-west-2 for account 123456789012 yet: creating 'fwoa-toolkit'")
        .contains("Created the fwoa toolkit stack 'fwoa-toolkit'; assets go to s3://" + BUCKET);
    // The jar as uploaded, the handler directory as a zip, the small template inline (not uploaded).
    assertThat(aws.objectKeys(BUCKET)).hasSize(2).allMatch(k -> k.startsWith("assets/"))
        .anyMatch(k -> k.endsWith(".jar")).anyMatch(k -> k.endsWith(".zip"));
    assertThat(aws.count("CloudFormation:CreateChangeSet")).isEqualTo(2); // toolkit + service
    assertThat(aws.terminationProtection(SERVICE)).isFalse();
  }

  @Test
  void progressStreamsEveryResourceEventWithElapsedTimeAndNoAnsi() {
    deploy(dev);

    List<String> progress = log.lines().stream().filter(l -> l.matches("INFO \\[ ?\\d+:\\d\\d] .*")).toList();
    assertThat(progress).anyMatch(l -> l.contains("CREATE_IN_PROGRESS") && l.contains("AWS::DynamoDB::Table")
        && l.contains("Service/ResourceTable"));
    assertThat(progress).anyMatch(l -> l.contains("CREATE_COMPLETE") && l.contains("AWS::Lambda::Function")
        && l.contains("Service/FhirServer"));
    assertThat(progress).anyMatch(l -> l.contains("CREATE_COMPLETE") && l.contains("AWS::CloudFormation::Stack")
        && l.contains(SERVICE));
    // Elapsed time grows from line to line (virtual clock: the 12 s table finishes after 0:10).
    assertThat(progress).anyMatch(l -> l.matches("INFO \\[ 0:(1|2|3)\\d] .*"));
    assertThat(log.text()).doesNotContain("\u001b[");
  }

  @Test
  void redeployWithoutChangesMakesNoChangeSetAndUploadsNothing() {
    deploy(dev);
    aws.resetCalls();
    log.clear();

    DeployReport report = deploy(dev);

    assertThat(report.stacks()).extracting(StackResult::outcome).containsExactly(StackResult.Outcome.NO_CHANGES);
    assertThat(aws.calls()).containsExactly("STS:GetCallerIdentity", "CloudFormation:DescribeStacks",
        "CloudFormation:GetTemplate");
    assertThat(aws.countService("S3")).isZero();
    assertThat(report.calls("CloudFormation")).isEqualTo(2);
    assertThat(log.text()).contains(SERVICE + ": no changes");
    // The outputs are still written, from the DescribeStacks response of the no-op check.
    assertThat(dir.resolve("INFO_OUTPUT.log")).exists();
  }

  @Test
  void aNoOpRedeployOfServiceAndBackupTakesThreeCloudFormationCalls() {
    FhirDeploymentConfig withBackup = FhirDeploymentConfig.builder().stage("dev").enableBackup(true).build();
    deploy(withBackup);
    aws.resetCalls();

    DeployReport report = deploy(withBackup);

    assertThat(report.stacks()).extracting(StackResult::outcome).containsOnly(StackResult.Outcome.NO_CHANGES);
    assertThat(aws.calls()).containsExactly("STS:GetCallerIdentity", "CloudFormation:DescribeStacks",
        "CloudFormation:GetTemplate", "CloudFormation:GetTemplate");
    assertThat(Files.exists(dir.resolve("target/fwoa/outputs.json"))).isTrue();
  }

  @Test
  void aChangeSetWithoutChangesIsDeletedAndReportedAsNoChanges() {
    deploy(dev);
    // Differs from the deployed template, but not in anything CloudFormation deploys.
    assembly.templateMetadata = "regenerated";
    aws.resetCalls();
    log.clear();

    DeployReport report = deploy(dev);

    assertThat(report.stacks().get(0).outcome()).isEqualTo(StackResult.Outcome.NO_CHANGES);
    assertThat(aws.calls()).contains("CloudFormation:CreateChangeSet", "CloudFormation:DeleteChangeSet")
        .doesNotContain("CloudFormation:ExecuteChangeSet");
    assertThat(log.text()).contains(SERVICE + ": no changes");
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
  }

  @Test
  void redeployWithNewLambdaCodeUploadsOnlyThatAssetAndUpdatesTheStack() {
    deploy(dev);
    assembly.lambdaCode = "code-v2";
    aws.resetCalls();

    DeployReport report = deploy(dev);

    assertThat(report.stacks()).extracting(StackResult::outcome).containsExactly(StackResult.Outcome.UPDATED);
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("UPDATE_COMPLETE");
    assertThat(aws.count("S3:PutObject")).isEqualTo(1); // the new jar; the unchanged zip is already there
    assertThat(aws.objectKeys(BUCKET)).hasSize(3);
    assertThat(log.text()).contains("creating change set").contains("(UPDATE)").contains("0 to add, 1 to modify, 0 to remove")
        .contains(SERVICE + ": UPDATE_COMPLETE in");
  }

  @Test
  void templatesOverTheInlineLimitGoThroughTheAssetBucket() throws Exception {
    assembly.largeTemplate = true;

    deploy(dev);

    assertThat(Files.size(dir.resolve("cdk.out/" + SERVICE + ".template.json"))).isGreaterThan(TemplateSource.MAX_BODY_BYTES);
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
    assertThat(aws.objectKeys(BUCKET)).anyMatch(k -> k.endsWith(".json"));
  }

  @Test
  void stacksDeployInDependencyOrderAndOutputsAreWritten() throws Exception {
    FhirDeploymentConfig withBackup = FhirDeploymentConfig.builder().stage("dev").enableBackup(true).build();

    DeployReport report = deploy(withBackup);

    assertThat(report.stacks()).extracting(StackResult::stackName).containsExactly(SERVICE, "fhir-service-backups-dev");
    List<String> info = Files.readAllLines(dir.resolve("INFO_OUTPUT.log"));
    Map<String, String> deployed = aws.outputs(SERVICE);
    assertThat(info).contains("# " + SERVICE + " (us-west-2)", "# fhir-service-backups-dev (us-west-2)")
        .contains("userPoolId = " + deployed.get("userPoolId"))
        .contains("ServiceEndpoint = " + deployed.get("ServiceEndpoint"))
        .contains("backupVaultNameOutput = fwoa-dev-vault");
    assertThat(deployed.get("ServiceEndpoint")).matches("https://[a-z0-9]{10}\\.execute-api\\.us-west-2\\.amazonaws\\.com/dev/");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("target/fwoa/outputs.json").toFile());
    assertThat(json.path(SERVICE).path("developerApiKeyOutput").asText()).isEqualTo(deployed.get("developerApiKeyOutput"));
    assertThat(json.path("fhir-service-backups-dev").path("backupVaultNameOutput").asText()).isEqualTo("fwoa-dev-vault");
    assertThat(json.size()).isEqualTo(2);
  }

  @Test
  void secretOutputsAreNeverPrintedOrWritten() throws Exception {
    assembly.extraOutputKey = "developerApiKeyValue";
    assembly.extraOutputValue = "s3cr3t-api-key-value-0123456789";

    deploy(dev);

    assertThat(log.text()).doesNotContain("s3cr3t").contains("developerApiKeyValue = (secret, not shown)");
    assertThat(Files.readString(dir.resolve("INFO_OUTPUT.log"))).doesNotContain("s3cr3t");
    assertThat(Files.readString(dir.resolve("target/fwoa/outputs.json"))).doesNotContain("s3cr3t");
  }

  @Test
  void productionStacksGetTerminationProtection() {
    deploy(FhirDeploymentConfig.builder().stage("prod").build());

    assertThat(aws.terminationProtection("fhir-service-prod")).isTrue();
    assertThat(log.text()).contains("fhir-service-prod: termination protection enabled");
  }

  @Test
  void failedFirstCreateShowsTheRootCauseAndTheNextDeployRecreatesTheStack() {
    aws.fail(SERVICE, "ServiceResourceTableCCEDD720", FakeAws.FaultKind.CREATE,
        "Resource handler returned message: \"Table already exists: resource-db-dev\"");

    assertThatThrownBy(() -> deploy(dev)).isInstanceOf(DeployException.class)
        .hasMessageContaining(SERVICE + " failed and ended in ROLLBACK_COMPLETE")
        .hasMessageContaining("CREATE_FAILED AWS::DynamoDB::Table Service/ResourceTable [ServiceResourceTableCCEDD720]: "
            + "Resource handler returned message: \"Table already exists: resource-db-dev\"")
        .hasMessageContaining("the next 'mvn fwoa:deploy' deletes the empty stack and creates it again")
        .satisfies(e -> assertThat(((DeployException) e).rootCauses()).hasSize(1)); // cancellations are not causes
    assertThat(log.text()).contains("WARN " + SERVICE + ": root cause of the failure:");
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("ROLLBACK_COMPLETE");

    aws.clearFaults();
    log.clear();
    DeployReport again = deploy(dev);

    assertThat(log.text()).contains("the first creation of this stack failed earlier (ROLLBACK_COMPLETE); it holds no "
        + "resources, so it is deleted now and created again").contains("deleted the failed stack; creating it again");
    assertThat(again.stacks().get(0).outcome()).isEqualTo(StackResult.Outcome.CREATED);
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
  }

  @Test
  void aFailedCreateWhoseRollbackFailedIsDeletedOnceTheResourceCanGo() {
    aws.fail(SERVICE, "ServiceFhirServer44FD6800", FakeAws.FaultKind.CREATE, "Function quota exceeded");
    aws.fail(SERVICE, "ServiceBinaryBucket887A130D", FakeAws.FaultKind.DELETE, "Access Denied for s3:DeleteBucket");
    assertThatThrownBy(() -> deploy(dev)).isInstanceOf(DeployException.class)
        .hasMessageContaining("ended in ROLLBACK_FAILED")
        .hasMessageContaining("CREATE_FAILED AWS::Lambda::Function Service/FhirServer [ServiceFhirServer44FD6800]: Function quota exceeded")
        .hasMessageContaining("DELETE_FAILED AWS::S3::Bucket ServiceBinaryBucket887A130D (while rolling back): Access Denied");
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("ROLLBACK_FAILED");

    // While the bucket still cannot be deleted, the next deploy says what to do.
    aws.clearFaults();
    aws.fail(SERVICE, "ServiceBinaryBucket887A130D", FakeAws.FaultKind.DELETE, "Access Denied for s3:DeleteBucket");
    assertThatThrownBy(() -> deploy(dev)).isInstanceOf(DeployException.class)
        .hasMessageContaining("Could not delete " + SERVICE + " after its failed first creation (DELETE_FAILED)")
        .hasMessageContaining("Access Denied for s3:DeleteBucket");

    // Permissions fixed: the stack is deleted and created again.
    aws.clearFaults();
    log.clear();
    assertThat(deploy(dev).stacks().get(0).outcome()).isEqualTo(StackResult.Outcome.CREATED);
    assertThat(log.text()).contains("deleting the stack left by a failed first creation did not finish earlier; trying again");
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
  }

  @Test
  void failedUpdateRollsBackAndNamesTheFailingResource() {
    deploy(dev);
    assembly.lambdaCode = "code-v2";
    aws.fail(SERVICE, "ServiceFhirServer44FD6800", FakeAws.FaultKind.UPDATE, "Lambda was unable to configure your "
        + "environment variables because the environment variables you have provided exceeded the 4KB limit.");

    assertThatThrownBy(() -> deploy(dev)).isInstanceOf(DeployException.class)
        .hasMessageContaining("ended in UPDATE_ROLLBACK_COMPLETE")
        .hasMessageContaining("UPDATE_FAILED AWS::Lambda::Function Service/FhirServer [ServiceFhirServer44FD6800]: "
            + "Lambda was unable to configure")
        .hasMessageContaining("rolled back to its previous template");
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
  }

  @Test
  void updateRollbackFailedStopsWithTheExactNextStep() {
    deploy(dev);
    assembly.lambdaCode = "code-v2";
    aws.fail(SERVICE, "ServiceFhirServer44FD6800", FakeAws.FaultKind.UPDATE, "Code storage limit exceeded.");
    aws.fail(SERVICE, "ServiceFhirServer44FD6800", FakeAws.FaultKind.ROLLBACK,
        "The role defined for the function cannot be assumed by Lambda.");

    String next = "aws cloudformation continue-update-rollback --stack-name " + SERVICE + " --region us-west-2";
    assertThatThrownBy(() -> deploy(dev)).isInstanceOf(DeployException.class)
        .hasMessageContaining(SERVICE + " is in UPDATE_ROLLBACK_FAILED")
        .hasMessageContaining("Service/FhirServer [ServiceFhirServer44FD6800] (while rolling back): The role defined for "
            + "the function cannot be assumed by Lambda.")
        .hasMessageContaining(next + "\n")
        .hasMessageContaining(next + " --resources-to-skip ServiceFhirServer44FD6800")
        .hasMessageContaining("run 'mvn fwoa:deploy' again");
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("UPDATE_ROLLBACK_FAILED");

    // Deploying again without fixing it stops at once with the same advice, without a change set.
    aws.resetCalls();
    assertThatThrownBy(() -> deploy(dev)).isInstanceOf(DeployException.class)
        .hasMessageContaining(next).hasMessageContaining("The role defined for the function cannot be assumed");
    assertThat(aws.calls()).doesNotContain("CloudFormation:CreateChangeSet");

    // The user fixes the role and continues the rollback as told; then the deploy goes through.
    aws.clearFaults();
    aws.cloudFormation().continueUpdateRollback(r -> r.stackName(SERVICE));
    aws.timing().sleep(java.time.Duration.ofMinutes(5));
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
    assertThat(deploy(dev).stacks().get(0).outcome()).isEqualTo(StackResult.Outcome.UPDATED);
  }

  @Test
  void throttledCallsAreRetriedWithBackoff() {
    aws.throttle("DescribeStacks", 3).throttle("CreateChangeSet", 2).throttle("DescribeStackEvents", 2);

    DeployReport report = deploy(dev);

    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
    assertThat(report.stacks().get(0).outcome()).isEqualTo(StackResult.Outcome.CREATED);
    assertThat(log.text()).contains("CloudFormation throttled DescribeStacks (Throttling); retrying in 1 s (attempt 2 of 8)")
        .contains("retrying in 4 s (attempt 4 of 8)");
  }

  @Test
  void expiredCredentialsStopBeforeAnythingIsDeployedWithLoginInstructions() {
    aws.expireCredentials(true);

    assertThatThrownBy(() -> deploy(dev)).isInstanceOf(CredentialsException.class)
        .hasMessageContaining("Your AWS credentials have expired")
        .hasMessageContaining("ExpiredTokenException")
        .hasMessageContaining("aws sso login --profile <name>");
    assertThat(aws.calls()).containsExactly("STS:GetCallerIdentity");
    assertThat(dir.resolve("cdk.out")).doesNotExist();
  }

  @Test
  void credentialsExpiringDuringTheDeploymentAlsoGiveLoginInstructions() {
    deploy(dev);
    assembly.lambdaCode = "code-v2";
    // Expire after the identity check: the first CloudFormation call fails.
    TestAssembly expiring = new TestAssembly() {
      @Override
      public void assemble(FhirDeploymentConfig config, Path outDir) {
        super.assemble(config, outDir);
        aws.expireCredentials(true);
      }
    };
    expiring.lambdaCode = "code-v2";
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", "team-sso"), aws.provider(), log)) {
      assertThatThrownBy(() -> new Deployer(session, log, expiring).deploy(dev, new Deployer.Request(dir.resolve("cdk.out"),
          List.of(), dir.resolve("INFO_OUTPUT.log"), dir.resolve("outputs.json"), Toolkit.fwoa())))
          .isInstanceOf(CredentialsException.class)
          .hasMessageContaining("CloudFormation DescribeStacks: ExpiredToken")
          .hasMessageContaining("-Dfwoa.profile=<name>");
    }
  }

  @Test
  void aStackInProgressIsWaitedForBeforeDeploying() {
    deploy(dev);
    // Someone else starts an update (for example a second terminal) just before this deploy.
    assembly.lambdaCode = "code-v2";
    deployInBackgroundStarted();
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("UPDATE_IN_PROGRESS");
    log.clear();

    deploy(dev);

    assertThat(log.text()).contains(SERVICE + ": UPDATE_IN_PROGRESS (an earlier operation is still running); waiting for it to finish")
        .contains(SERVICE + ": no changes");
  }

  /** Starts an update of the service stack with the current assembly and returns without waiting. */
  private void deployInBackgroundStarted() {
    FhirDeploymentConfig config = dev;
    assembly.assemble(config, dir.resolve("other"));
    var stacks = io.fwoa.engine.assembly.CloudAssemblyReader.read(dir.resolve("other"));
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      new io.fwoa.engine.assets.AssetPublisher(session, log).publish(stacks.get(0), FakeAws.DEFAULT_ACCOUNT);
    }
    var created = aws.cloudFormation().createChangeSet(r -> r.stackName(SERVICE).changeSetName("other")
        .changeSetType(ChangeSetType.UPDATE).templateBody(stacks.get(0).templateBody())
        .capabilities(software.amazon.awssdk.services.cloudformation.model.Capability.CAPABILITY_IAM)
        .tags(software.amazon.awssdk.services.cloudformation.model.Tag.builder().key("FHIR_SERVICE")
            .value("fhir-service-us-west-2-dev").build()));
    aws.timing().sleep(java.time.Duration.ofSeconds(5));
    aws.cloudFormation().executeChangeSet(r -> r.changeSetName(created.id()));
    aws.timing().sleep(java.time.Duration.ofSeconds(2));
  }

  @Test
  void longRunningResourcesAreReportedWhileWaiting() {
    assembly.searchDomain = true;

    deploy(dev);

    assertThat(log.text()).containsPattern("fhir-service-dev is CREATE_IN_PROGRESS; still running: Search/Domain "
        + "\\(AWS::OpenSearchService::Domain, \\d+:\\d\\d\\)");
  }

  @Test
  void unknownStackNamesInFwoaStacksAreRejectedWithTheValidNames() {
    assertThatThrownBy(() -> deploy(dev, List.of("fhir-service-prod"))).isInstanceOf(StackSelectionException.class)
        .hasMessageContaining("fwoa.stacks names [fhir-service-prod]")
        .hasMessageContaining("its stacks are [fhir-service-dev]");
  }

  @Test
  void onlySelectedStacksAreDeployed() {
    FhirDeploymentConfig withBackup = FhirDeploymentConfig.builder().stage("dev").enableBackup(true).build();

    deploy(withBackup, List.of(SERVICE));

    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
    assertThat(aws.stackStatus("fhir-service-backups-dev")).isNull();
  }

  @Test
  void credentialsOfAnotherAccountThanFwoaAccountAreRefused() {
    FhirDeploymentConfig other = FhirDeploymentConfig.builder().stage("dev").account("999999999999").build();

    assertThatThrownBy(() -> deploy(other)).isInstanceOf(CredentialsException.class)
        .hasMessageContaining("fwoa.account is 999999999999, but the AWS credentials in use (default chain) belong to "
            + "account 123456789012");
    assertThat(aws.countService("CloudFormation")).isZero();
  }

  @Test
  void missingNodeIsReportedBeforeAnyCloudFormationCall() {
    NodeRuntime noNode = new NodeRuntime(Map.of("PATH", dir.toString()));
    Synthesizer synthesizer = new Synthesizer(log, noNode, (app, d) -> {});
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      assertThatThrownBy(() -> new Deployer(session, log, (c, out) -> synthesizer.synthesize(c, out)).deploy(dev,
          new Deployer.Request(dir.resolve("cdk.out"), List.of(), dir.resolve("INFO_OUTPUT.log"), dir.resolve("o.json"),
              Toolkit.fwoa())))
          .isInstanceOf(NodeRuntimeException.class)
          .hasMessageContaining("Node.js was not found on PATH")
          .hasMessageContaining("install Node.js");
    }
    assertThat(aws.countService("CloudFormation")).isZero();
    assertThat(aws.countService("S3")).isZero();
  }

  @Test
  void changeSetsAreCreatedWithCapabilitiesTagsAndAClientToken() {
    deploy(dev);

    // The fake rejects IAM resources without CAPABILITY_IAM and stores the tags it was given.
    assertThat(aws.stackStatus(SERVICE)).isEqualTo("CREATE_COMPLETE");
    var stack = aws.cloudFormation().describeStacks(r -> r.stackName(SERVICE)).stacks().get(0);
    assertThat(stack.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value())))
        .containsEntry("FHIR_SERVICE", "fhir-service-us-west-2-dev");
  }
}
