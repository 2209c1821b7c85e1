package io.fwoa.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.deploy.Deployer;
import io.fwoa.engine.testing.CollectingLog;
import io.fwoa.engine.testing.TestAssembly;
import io.fwoa.engine.toolkit.Toolkit;
import io.fwoa.fake.aws.FakeAws;
import io.fwoa.fake.aws.FakeAwsProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The goals' wiring: validation before any AWS call, error translation, skip, files. */
class AwsGoalsTest {

  @TempDir
  Path dir;

  final FakeAws aws = new FakeAws();
  final MojoFixture.Log log = new MojoFixture.Log();

  @BeforeEach
  void useFake() {
    FakeAwsProvider.use(aws);
  }

  @AfterEach
  void reset() {
    FakeAwsProvider.use(null);
  }

  private void deployed(FhirDeploymentConfig config) {
    CollectingLog engineLog = new CollectingLog();
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), engineLog)) {
      new Deployer(session, engineLog, new TestAssembly()).deploy(config, new Deployer.Request(dir.resolve("cdk.out"),
          List.of(), dir.resolve("ignored.log"), dir.resolve("ignored.json"), Toolkit.fwoa()));
    }
    aws.resetCalls();
  }

  private InfoMojo info(Object... params) {
    InfoMojo mojo = MojoFixture.configure(new InfoMojo(), log, params);
    MojoFixture.set(mojo, "infoOutputFile", dir.resolve("INFO_OUTPUT.log").toFile());
    MojoFixture.set(mojo, "outputsFile", dir.resolve("target/fwoa/outputs.json").toFile());
    return mojo;
  }

  @Test
  void destroyOfProdIsRefusedWithoutConfirmationBeforeAnyAwsCall() {
    DestroyMojo mojo = MojoFixture.configure(new DestroyMojo(), log, "stage", "prod", "force", true);

    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("Refusing to destroy stage 'prod'")
        .hasMessageContaining("-Dfwoa.confirmStage=prod");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void destroyInBatchModeNeedsForce() {
    DestroyMojo mojo = MojoFixture.configure(new DestroyMojo(), log, "interactiveMode", false);

    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("pass -Dfwoa.force=true");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void confirmedDestroyOfProdDeletesAndListsRetainedResources() throws Exception {
    deployed(FhirDeploymentConfig.builder().stage("prod").build());
    DestroyMojo mojo = MojoFixture.configure(new DestroyMojo(), log, "stage", "prod", "force", true, "confirmStage", "prod");

    mojo.execute();

    assertThat(aws.stackStatus("fhir-service-prod")).isNull();
    assertThat(log.text()).contains("Retained (not deleted, still billed").contains("AWS::DynamoDB::Table");
  }

  @Test
  void infoRewritesInfoOutputLogAndPrintsTheOutputs() throws Exception {
    deployed(FhirDeploymentConfig.builder().stage("dev").build());
    Files.writeString(dir.resolve("INFO_OUTPUT.log"), "stale\n");

    info().execute();

    String userPool = aws.outputs("fhir-service-dev").get("userPoolId");
    assertThat(Files.readAllLines(dir.resolve("INFO_OUTPUT.log"))).contains("userPoolId = " + userPool).doesNotContain("stale");
    assertThat(dir.resolve("target/fwoa/outputs.json")).exists();
    assertThat(log.text()).contains("INFO userPoolId = " + userPool);
    assertThat(aws.countService("CloudFormation")).isEqualTo(1);
  }

  @Test
  void infoForAStageThatIsNotDeployedIsAConfigurationFailure() {
    assertThatThrownBy(() -> info("stage", "qa").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("Stack fhir-service-qa is not deployed");
  }

  @Test
  void expiredCredentialsAreAFailureWithLoginInstructionsNotAStackTrace() {
    aws.expireCredentials(true);

    assertThatThrownBy(() -> info("profile", "team").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("Your AWS credentials have expired")
        .hasMessageContaining("To log in");
  }

  @Test
  void awsFailuresCarryTheServiceErrorCode() {
    deployed(FhirDeploymentConfig.builder().stage("dev").build());
    aws.throttle("DescribeStacks", 100);

    assertThatThrownBy(() -> info().execute()).isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("CloudFormation DescribeStacks failed: Throttling: Rate exceeded");
  }

  @Test
  void everyAwsGoalHonoursSkip() throws Exception {
    for (AbstractAwsMojo mojo : List.of(new DeployMojo(), new DiffMojo(), new DestroyMojo(), new InfoMojo())) {
      MojoFixture.configure(mojo, log, "skip", true, "stage", "INVALID STAGE").execute();
    }
    assertThat(log.lines).filteredOn(l -> l.contains("skipped (fwoa.skip=true)")).hasSize(4);
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void anUnknownClientProviderIsAConfigurationFailure() {
    assertThatThrownBy(() -> info("awsClientProvider", "localstack").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("No AWS client provider named 'localstack'").hasMessageContaining("-Dfwoa.awsClientProvider");
  }

  @Test
  void anUnknownToolkitIsAConfigurationFailureBeforeSynthesis() {
    DeployMojo mojo = MojoFixture.configure(new DeployMojo(), log, "toolkit", "bootstrap");
    MojoFixture.set(mojo, "outputDirectory", new File(dir.toFile(), "cdk.out"));

    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("'bootstrap' is not a toolkit").hasMessageContaining("-Dfwoa.toolkit=fwoa");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void settingsForFeaturesThatDoNotExistYetFailTheBuildSayingSo() {
    assertThatThrownBy(() -> info("enableSubscriptions", true).execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("enableSubscriptions: 'true' asks for FHIR Subscriptions, which is not available yet")
        .hasMessageContaining("-Dfwoa.enableSubscriptions=");
    assertThatThrownBy(() -> info("useHapiValidator", true).execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("useHapiValidator: 'true' asks for profile validation with the HAPI FHIR validator, "
            + "which is not available yet")
        .hasMessageContaining("-Dfwoa.useHapiValidator=");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void invalidSettingsAreNamedBeforeAnyAwsCall() {
    assertThatThrownBy(() -> info("region", "mars-1").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("region: 'mars-1'").hasMessageContaining("-Dfwoa.region=");
    assertThat(aws.calls()).isEmpty();
  }
}
