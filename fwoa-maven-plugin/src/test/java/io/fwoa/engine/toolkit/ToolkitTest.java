package io.fwoa.engine.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.synth.Synthesizer;
import io.fwoa.engine.testing.CollectingLog;
import io.fwoa.fake.aws.FakeAws;
import org.junit.jupiter.api.Test;

class ToolkitTest {

  final FakeAws aws = new FakeAws();
  final CollectingLog log = new CollectingLog();

  @Test
  void theAssetBucketIsEncryptedTlsOnlyVersionedPrivateAndExpiresOldVersions() throws Exception {
    JsonNode bucket = new ObjectMapper().readTree(ToolkitDeployer.template()).path("Resources").path("AssetBucket");
    JsonNode props = bucket.path("Properties");

    assertThat(bucket.path("DeletionPolicy").asText()).isEqualTo("Retain");
    assertThat(props.at("/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm")
        .asText()).isEqualTo("aws:kms");
    assertThat(props.at("/VersioningConfiguration/Status").asText()).isEqualTo("Enabled");
    assertThat(props.at("/PublicAccessBlockConfiguration/RestrictPublicBuckets").asBoolean()).isTrue();
    assertThat(props.at("/LifecycleConfiguration/Rules/0/NoncurrentVersionExpiration/NoncurrentDays").asInt()).isEqualTo(30);
    assertThat(props.at("/BucketName/Fn::Sub").asText()).isEqualTo(Synthesizer.ASSET_BUCKET).isEqualTo(Toolkit.FWOA_BUCKET);
    JsonNode deny = new ObjectMapper().readTree(ToolkitDeployer.template())
        .at("/Resources/AssetBucketPolicy/Properties/PolicyDocument/Statement/0");
    assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
    assertThat(deny.at("/Condition/Bool/aws:SecureTransport").asText()).isEqualTo("false");
  }

  @Test
  void anExistingToolkitStackIsFoundWithOneCall() {
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      String first = new ToolkitDeployer(session, log, Toolkit.fwoa()).ensure(FakeAws.DEFAULT_ACCOUNT);
      aws.resetCalls();
      String second = new ToolkitDeployer(session, log, Toolkit.fwoa()).ensure(FakeAws.DEFAULT_ACCOUNT);

      assertThat(second).isEqualTo(first).isEqualTo("fwoa-assets-123456789012-us-west-2");
      assertThat(aws.calls()).containsExactly("CloudFormation:DescribeStacks");
      assertThat(aws.bucketExists(first)).isTrue();
    }
  }

  @Test
  void cdkToolkitRequiresABootstrappedAccount() {
    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      assertThatThrownBy(() -> new ToolkitDeployer(session, log, Toolkit.cdk(null)).ensure(FakeAws.DEFAULT_ACCOUNT))
          .isInstanceOf(ToolkitException.class)
          .hasMessageContaining("no usable CDK bootstrap stack 'CDKToolkit' in us-west-2")
          .hasMessageContaining("cdk bootstrap aws://123456789012/us-west-2")
          .hasMessageContaining("remove -Dfwoa.toolkit=cdk");
    }
  }

  @Test
  void cdkToolkitUsesTheBootstrapBucket() {
    // An account bootstrapped by the CDK CLI: a CDKToolkit stack with a BucketName output.
    String template = "{\"Resources\":{\"StagingBucket\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"BucketName\":"
        + "{\"Fn::Sub\":\"cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}\"}}}},"
        + "\"Outputs\":{\"BucketName\":{\"Value\":{\"Ref\":\"StagingBucket\"}}}}";
    var cs = aws.cloudFormation().createChangeSet(r -> r.stackName("CDKToolkit").changeSetName("bootstrap")
        .changeSetType("CREATE").templateBody(template));
    aws.timing().sleep(java.time.Duration.ofSeconds(5));
    aws.cloudFormation().executeChangeSet(r -> r.changeSetName(cs.id()));
    aws.timing().sleep(java.time.Duration.ofMinutes(2));

    try (AwsSession session = AwsSession.withProvider(new AwsTarget("us-west-2", null), aws.provider(), log)) {
      assertThat(new ToolkitDeployer(session, log, Toolkit.cdk(null)).ensure(FakeAws.DEFAULT_ACCOUNT))
          .isEqualTo("cdk-hnb659fds-assets-123456789012-us-west-2");
      assertThatThrownBy(() -> new ToolkitDeployer(session, log, Toolkit.cdk("other1")).ensure(FakeAws.DEFAULT_ACCOUNT))
          .isInstanceOf(ToolkitException.class).hasMessageContaining("set -Dfwoa.cdkQualifier");
    }
  }

  @Test
  void toolkitChoiceIsValidated() {
    assertThat(Toolkit.parse(null, null)).isEqualTo(Toolkit.fwoa());
    assertThat(Toolkit.parse("CDK", "abc123").bucketNameTemplate()).isEqualTo("cdk-abc123-assets-${AWS::AccountId}-${AWS::Region}");
    assertThatThrownBy(() -> Toolkit.parse("bootstrap", null)).hasMessageContaining("use 'fwoa'").hasMessageContaining("'cdk'");
    assertThatThrownBy(() -> Toolkit.parse("cdk", "Bad_Qualifier")).hasMessageContaining("not a CDK bootstrap qualifier");
  }
}
