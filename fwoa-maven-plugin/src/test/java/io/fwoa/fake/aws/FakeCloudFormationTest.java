package io.fwoa.fake.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;

/** The fake follows CloudFormation's behaviour where the engine depends on it. */
class FakeCloudFormationTest {

  static final String TEMPLATE = "{\"Resources\":{\"Queue\":{\"Type\":\"AWS::SQS::Queue\",\"Properties\":{}},"
      + "\"Role\":{\"Type\":\"AWS::IAM::Role\",\"Properties\":{}}},\"Outputs\":{\"QueueUrl\":{\"Value\":{\"Ref\":\"Queue\"}}}}";

  final FakeAws aws = new FakeAws();
  final FakeCloudFormation cfn = aws.cloudFormation();

  CreateChangeSetResponse changeSet(String type, String template) {
    return cfn.createChangeSet(r -> r.stackName("s").changeSetName("c" + aws.now()).changeSetType(type)
        .templateBody(template).capabilities(Capability.CAPABILITY_IAM));
  }

  @Test
  void changeSetsMoveThroughTheirStatusesOverSeveralPolls() {
    CreateChangeSetResponse cs = changeSet("CREATE", TEMPLATE);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      DescribeChangeSetResponse d = cfn.describeChangeSet(r -> r.changeSetName(cs.id()));
      seen.add(d.statusAsString() + "/" + d.executionStatusAsString());
      aws.timing().sleep(Duration.ofSeconds(1));
    }
    assertThat(seen).containsExactly("CREATE_PENDING/UNAVAILABLE", "CREATE_IN_PROGRESS/UNAVAILABLE",
        "CREATE_IN_PROGRESS/UNAVAILABLE", "CREATE_COMPLETE/AVAILABLE", "CREATE_COMPLETE/AVAILABLE");
    assertThat(aws.stackStatus("s")).isEqualTo("REVIEW_IN_PROGRESS");
  }

  @Test
  void aChangeSetCannotRunBeforeItIsCreated() {
    CreateChangeSetResponse cs = changeSet("CREATE", TEMPLATE);
    assertThatThrownBy(() -> cfn.executeChangeSet(r -> r.changeSetName(cs.id())))
        .isInstanceOf(AwsServiceException.class).hasMessageContaining("cannot be executed in its current execution status");
  }

  @Test
  void stacksMoveThroughInProgressOverSeveralPollsAndExposeOutputsWhenComplete() {
    CreateChangeSetResponse cs = changeSet("CREATE", TEMPLATE);
    aws.timing().sleep(Duration.ofSeconds(5));
    cfn.executeChangeSet(r -> r.changeSetName(cs.id()));
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 10 && !"CREATE_COMPLETE".equals(aws.stackStatus("s")); i++) {
      statuses.add(aws.stackStatus("s"));
      assertThat(cfn.describeStacks(r -> r.stackName("s")).stacks().get(0).outputs()).isEmpty();
      aws.timing().sleep(Duration.ofSeconds(5));
    }
    assertThat(statuses).hasSizeGreaterThan(2).allMatch("CREATE_IN_PROGRESS"::equals);
    assertThat(aws.outputs("s").get("QueueUrl")).startsWith("https://sqs.us-west-2.amazonaws.com/123456789012/");
    assertThat(cfn.describeStackEvents(r -> r.stackName("s")).stackEvents())
        .extracting(e -> e.logicalResourceId() + ":" + e.resourceStatusAsString())
        .contains("s:CREATE_COMPLETE", "Queue:CREATE_COMPLETE", "Queue:CREATE_IN_PROGRESS", "s:CREATE_IN_PROGRESS",
            "s:REVIEW_IN_PROGRESS");
  }

  @Test
  void anUnchangedTemplateFailsTheChangeSetWithCloudFormationsMessage() {
    CreateChangeSetResponse cs = changeSet("CREATE", TEMPLATE);
    aws.timing().sleep(Duration.ofSeconds(5));
    cfn.executeChangeSet(r -> r.changeSetName(cs.id()));
    aws.timing().sleep(Duration.ofMinutes(5));

    CreateChangeSetResponse again = changeSet("UPDATE", TEMPLATE);
    aws.timing().sleep(Duration.ofSeconds(5));
    DescribeChangeSetResponse d = cfn.describeChangeSet(r -> r.changeSetName(again.id()));

    assertThat(d.statusAsString()).isEqualTo("FAILED");
    assertThat(d.statusReason()).isEqualTo("The submitted information didn't contain changes. Submit different information "
        + "to create a change set.");
  }

  @Test
  void iamResourcesNeedTheCapability() {
    assertThatThrownBy(() -> cfn.createChangeSet(r -> r.stackName("s").changeSetName("c").changeSetType("CREATE")
        .templateBody(TEMPLATE))).isInstanceOf(AwsServiceException.class).hasMessageContaining("CAPABILITY_IAM");
  }

  @Test
  void inlineTemplatesAreLimitedTo51200Bytes() {
    String big = "{\"Description\":\"" + "x".repeat(51_200) + "\",\"Resources\":{}}";
    assertThatThrownBy(() -> changeSet("CREATE", big)).isInstanceOf(AwsServiceException.class)
        .hasMessageContaining("Member must have length less than or equal to 51200");
  }

  @Test
  void deletedStacksAreGoneByNameButDescribableById() {
    CreateChangeSetResponse cs = changeSet("CREATE", TEMPLATE);
    aws.timing().sleep(Duration.ofSeconds(5));
    cfn.executeChangeSet(r -> r.changeSetName(cs.id()));
    aws.timing().sleep(Duration.ofMinutes(5));
    cfn.updateTerminationProtection(r -> r.stackName("s").enableTerminationProtection(true));
    assertThatThrownBy(() -> cfn.deleteStack(r -> r.stackName("s")))
        .hasMessageContaining("cannot be deleted while TerminationProtection is enabled");
    cfn.updateTerminationProtection(r -> r.stackName("s").enableTerminationProtection(false));

    cfn.deleteStack(r -> r.stackName("s"));
    assertThat(aws.stackStatus("s")).isEqualTo("DELETE_IN_PROGRESS");
    aws.timing().sleep(Duration.ofMinutes(5));

    assertThatThrownBy(() -> cfn.describeStacks(r -> r.stackName("s"))).isInstanceOf(AwsServiceException.class)
        .hasMessageContaining("Stack with id s does not exist")
        .satisfies(e -> assertThat(((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
    assertThat(cfn.describeStacks(r -> r.stackName(cs.stackId())).stacks().get(0).stackStatusAsString())
        .isEqualTo("DELETE_COMPLETE");
  }

  @Test
  void throttlingAndExpiredTokensUseAwsErrorCodes() {
    aws.throttle("DescribeStacks", 1);
    assertThatThrownBy(() -> cfn.describeStacks(r -> r.stackName("s")))
        .satisfies(e -> assertThat(((AwsServiceException) e).isThrottlingException()).isTrue());
    aws.expireCredentials(true);
    assertThatThrownBy(() -> cfn.describeStacks(r -> r.stackName("s")))
        .satisfies(e -> assertThat(((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo("ExpiredToken"));
  }
}
