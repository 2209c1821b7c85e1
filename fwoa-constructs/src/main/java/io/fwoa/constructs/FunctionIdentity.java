package io.fwoa.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The log group and role every fwoa function starts from: a KMS-encrypted log group, and an
 * explicit role (instead of the AWSLambdaBasicExecutionRole managed policy) that may write to that
 * log group only. Grants for what the function uses are added by the caller.
 */
record FunctionIdentity(LogGroup logs, Role role) {

  static FunctionIdentity create(Construct scope, String name, String description, IKey logKey,
      RetentionDays retention, RemovalPolicy removalPolicy) {
    LogGroup logs = LogGroup.Builder.create(scope, name + "Logs")
        .encryptionKey(logKey)
        .retention(retention)
        .removalPolicy(removalPolicy)
        .build();
    Role role = Role.Builder.create(scope, name + "Role")
        .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
        .description(description)
        .build();
    logs.grantWrite(role);
    return new FunctionIdentity(logs, role);
  }
}
