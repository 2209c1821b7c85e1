package io.fwoa.constructs;

import io.fwoa.constructs.nag.Suppressions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.backup.BackupPlan;
import software.amazon.awscdk.services.backup.BackupPlanRule;
import software.amazon.awscdk.services.backup.BackupVault;
import software.amazon.awscdk.services.backup.CfnBackupSelection;
import software.amazon.awscdk.services.events.CronOptions;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * Daily AWS Backup of every resource tagged {@code backup=daily} <em>and</em> {@code service=fhir}
 * (the tags FhirService puts on its table and binary bucket), at 05:00 UTC, into a KMS-encrypted
 * vault. Meant for its own stack: a vault holding recovery points cannot be deleted, so it must
 * be able to outlive the service stack.
 */
public class FhirBackup extends Construct {

  public static final String TAG_BACKUP = "backup";
  public static final String TAG_BACKUP_VALUE = "daily";
  public static final String TAG_SERVICE = "service";
  public static final String TAG_SERVICE_VALUE = "fhir";

  private final Key key;
  private final BackupVault vault;
  private final BackupPlan plan;

  public FhirBackup(Construct scope, String id, FhirBackupProps props) {
    super(scope, id);
    this.key = ServiceKeys.key(this, "VaultKey", "fwoa backup vault key (" + props.getStage() + ")",
        props.getRemovalPolicy());
    this.vault = BackupVault.Builder.create(this, "Vault")
        .encryptionKey(key)
        .removalPolicy(props.getRemovalPolicy())
        .build();
    this.plan = BackupPlan.Builder.create(this, "Plan")
        .backupPlanName("fhir-service-daily-" + props.getStage())
        .backupVault(vault)
        .backupPlanRules(List.of(BackupPlanRule.Builder.create()
            .ruleName("RuleForDailyBackups")
            .scheduleExpression(Schedule.cron(CronOptions.builder().minute("0").hour("5").build()))
            .startWindow(Duration.hours(1))
            .completionWindow(Duration.hours(8))
            .deleteAfter(Duration.days(props.getRetentionDays()))
            .build()))
        .build();

    Role role = Role.Builder.create(this, "SelectionRole")
        .assumedBy(new ServicePrincipal("backup.amazonaws.com"))
        .description("AWS Backup role for the fwoa daily plan (" + props.getStage() + ")")
        .managedPolicies(List.of(
            ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSBackupServiceRolePolicyForBackup"),
            ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSBackupServiceRolePolicyForRestores"),
            ManagedPolicy.fromAwsManagedPolicyName("AWSBackupServiceRolePolicyForS3Backup"),
            ManagedPolicy.fromAwsManagedPolicyName("AWSBackupServiceRolePolicyForS3Restore")))
        .build();
    Suppressions.suppress(role, "AwsSolutions-IAM4",
        "AWS Backup's service role policies are the ones AWS documents for backing up and restoring "
            + "DynamoDB and S3; they follow new resource types without edits here.");

    // Conditions are ANDed (a ListOfTags selection would OR them): only resources with both tags.
    CfnBackupSelection.Builder.create(this, "Selection")
        .backupPlanId(plan.getBackupPlanId())
        .backupSelection(CfnBackupSelection.BackupSelectionResourceTypeProperty.builder()
            .selectionName("TagBasedBackupSelection")
            .iamRoleArn(role.getRoleArn())
            .resources(List.of("*"))
            // Conditions is untyped JSON in the L1, so it is written with CloudFormation's names.
            .conditions(Map.of("StringEquals", List.of(
                condition(TAG_BACKUP, TAG_BACKUP_VALUE),
                condition(TAG_SERVICE, TAG_SERVICE_VALUE))))
            .build())
        .build();
  }

  private static Map<String, String> condition(String tag, String value) {
    return Map.of("ConditionKey", "aws:ResourceTag/" + tag, "ConditionValue", value);
  }

  public Key getKey() {
    return key;
  }

  public BackupVault getVault() {
    return vault;
  }

  public BackupPlan getPlan() {
    return plan;
  }
}
