package io.fwoa.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/** Customer-managed KMS keys with rotation: the one recipe every fwoa key follows. */
final class ServiceKeys {

  private ServiceKeys() {}

  static Key key(Construct scope, String id, String description, RemovalPolicy removalPolicy) {
    return Key.Builder.create(scope, id)
        .description(description)
        .enableKeyRotation(true)
        .pendingWindow(Duration.days(30))
        .removalPolicy(removalPolicy)
        .build();
  }

  /**
   * A key CloudWatch Logs may use for log groups of this account and region only (the key policy
   * statement AWS documents for encrypted log groups).
   */
  static Key logKey(Construct scope, String id, String description, RemovalPolicy removalPolicy) {
    Key key = key(scope, id, description, removalPolicy);
    key.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("AllowCloudWatchLogs")
        .principals(List.of(new ServicePrincipal("logs." + Aws.REGION + ".amazonaws.com")))
        .actions(List.of("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"))
        .resources(List.of("*"))
        .conditions(Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
            "arn:" + Aws.PARTITION + ":logs:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":*")))
        .build());
    return key;
  }
}
