package io.fwoa.engine.cognito;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.outputs.NotDeployedException;
import io.fwoa.engine.testing.CollectingLog;
import io.fwoa.engine.testing.FakeStacks;
import io.fwoa.fake.aws.FakeAws;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UserPoolsTest {

  final FakeAws aws = new FakeAws();
  final AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), new CollectingLog());
  final FhirDeploymentConfig dev = FhirDeploymentConfig.builder().stage("dev").build().validate();

  @AfterEach
  void close() {
    session.close();
  }

  private void deployed(Map<String, String> outputs) {
    FakeStacks.deployed(aws, "fhir-service-dev", outputs);
  }

  @Test
  void idsComeFromTheServiceStacksOutputs() {
    deployed(Map.of("userPoolId", "us-west-2_AbC123", "userPoolAppClientId", "4rcsm4o7lnmb3aoc2h64nv1324",
        "ServiceEndpoint", "https://x/dev/"));

    UserPoolRef pool = UserPools.service(session, dev, new UserPools.Overrides(null, " "));

    assertThat(pool.userPoolId()).isEqualTo("us-west-2_AbC123");
    assertThat(pool.appClientId()).isEqualTo("4rcsm4o7lnmb3aoc2h64nv1324");
    assertThat(pool.output("ServiceEndpoint")).contains("https://x/dev/");
    assertThat(aws.calls()).containsExactly("CloudFormation:DescribeStacks");
  }

  @Test
  void oneOverrideReplacesItsOutputAndBothNeedNoStackAtAll() {
    deployed(Map.of("userPoolId", "us-west-2_AbC123", "userPoolAppClientId", "client1"));

    assertThat(UserPools.service(session, dev, new UserPools.Overrides(null, "client2")).appClientId()).isEqualTo("client2");

    aws.resetCalls();
    UserPoolRef both = UserPools.service(session, FhirDeploymentConfig.builder().stage("qa").build().validate(),
        new UserPools.Overrides("us-west-2_Other9", "client3"));
    assertThat(both.userPoolId()).isEqualTo("us-west-2_Other9");
    assertThat(both.outputs()).isEmpty();
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void notDeployedSaysToDeployFirst() {
    assertThatThrownBy(() -> UserPools.service(session, dev, new UserPools.Overrides(null, null)))
        .isInstanceOf(NotDeployedException.class).hasMessageContaining("mvn fwoa:deploy");
  }

  @Test
  void aPoolInAnotherRegionNamesTheRegionToUse() {
    assertThatThrownBy(() -> UserPools.service(session, dev, new UserPools.Overrides("eu-west-1_AbC123", "c")))
        .isInstanceOf(CognitoUserException.class).hasMessageContaining("is in region eu-west-1")
        .hasMessageContaining("-Dfwoa.region=eu-west-1");
  }

  @Test
  void somethingThatIsNotAPoolIdIsRefused() {
    assertThatThrownBy(() -> UserPools.service(session, dev, new UserPools.Overrides("my pool", "c")))
        .isInstanceOf(CognitoUserException.class).hasMessageContaining("not a Cognito user pool id")
        .hasMessageContaining("-Dfwoa.userPoolId=");
  }

  @Test
  void dashboardsComeFromTheDevOutputsAndAreRefusedElsewhere() {
    deployed(Map.of("elasticsearchKibanaUserPoolIdOutput", "us-west-2_Dash1", "elasticsearchKibanaUserPoolAppClientIdOutput",
        "dashclient"));

    assertThat(UserPools.dashboards(session, dev, new UserPools.Overrides(null, null)).userPoolId())
        .isEqualTo("us-west-2_Dash1");
    aws.resetCalls();
    assertThatThrownBy(() -> UserPools.dashboards(session, FhirDeploymentConfig.builder().stage("prod").build().validate(),
        new UserPools.Overrides("us-west-2_Dash1", "dashclient")))
        .isInstanceOf(CognitoUserException.class).hasMessageContaining("only deployed in the 'dev' stage");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void theGroupsAreTheOnesTheConstructsDeploy() {
    assertThat(UserProvisioner.GROUPS).isEqualTo(io.fwoa.constructs.FhirService.GROUPS);
  }
}
