package io.fwoa.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class FhirBackupTest {

  @Test
  void dailyAt0500UtcIntoAnEncryptedRetainedVaultSelectingBothTags() {
    Stack stack = TestStacks.stack();
    new FhirBackup(stack, "Backup", FhirBackupProps.builder().stage("prod").build());
    Template t = Template.fromStack(stack);

    t.hasResource("AWS::Backup::BackupVault", Match.objectLike(Map.of(
        "DeletionPolicy", "Retain",
        "Properties", Match.objectLike(Map.of("EncryptionKeyArn", Match.anyValue())))));
    t.hasResourceProperties("AWS::Backup::BackupPlan", Match.objectLike(Map.of(
        "BackupPlan", Match.objectLike(Map.of("BackupPlanRule", List.of(Match.objectLike(Map.of(
            "RuleName", "RuleForDailyBackups",
            "ScheduleExpression", "cron(0 5 * * ? *)",
            "Lifecycle", Map.of("DeleteAfterDays", 35)))))))));
    // Both tags must match (conditions AND), not either (FWoA's code selected fhir=service, reversed).
    t.hasResourceProperties("AWS::Backup::BackupSelection", Match.objectLike(Map.of(
        "BackupSelection", Match.objectLike(Map.of(
            "Resources", List.of("*"),
            "Conditions", Map.of("StringEquals", List.of(
                Map.of("ConditionKey", "aws:ResourceTag/backup", "ConditionValue", "daily"),
                Map.of("ConditionKey", "aws:ResourceTag/service", "ConditionValue", "fhir"))),
            "ListOfTags", Match.absent())))));
    t.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true)));
  }

  @Test
  void retentionIsConfigurable() {
    Stack stack = TestStacks.stack();
    new FhirBackup(stack, "Backup", FhirBackupProps.builder().stage("dev").retentionDays(90).build());
    assertThat(String.valueOf(TestStacks.resources(Template.fromStack(stack), "AWS::Backup::BackupPlan")))
        .contains("DeleteAfterDays=90");
  }
}
