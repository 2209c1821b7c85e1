package io.fwoa.constructs;

import io.fwoa.constructs.nag.Suppressions;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Function;

/** The cdk-nag findings every fwoa function shares, with the reasons they are accepted. */
final class LambdaSuppressions {

  private LambdaSuppressions() {}

  /**
   * @param dlqReason why the function needs no dead-letter queue
   * @param calls what the function calls over the network (it runs outside a VPC, so it reaches
   *     them directly)
   */
  static void apply(Function fn, Role role, String dlqReason, String calls) {
    Suppressions.suppress(fn, "HIPAA.Security-LambdaDLQ", dlqReason + "; a function-level DLQ only "
        + "receives failed asynchronous invocations, which this function never gets.");
    Suppressions.suppress(fn, "HIPAA.Security-LambdaConcurrency",
        "No reserved concurrency by default: on a new account (concurrency quota 10) any reservation "
            + "fails the deployment. Reserve it on the function when the account quota allows.");
    Suppressions.suppress(fn, "HIPAA.Security-LambdaInsideVPC",
        "The function only calls " + calls + "; as in FWoA it runs outside a VPC, so it reaches them without "
            + "a NAT gateway and holds no network path into private resources.");
    Suppressions.suppress(fn, "AwsSolutions-L1",
        "fwoa-server is built and tested for the java21 runtime (LTS, SnapStart); java25 is not yet "
            + "a supported target.");
    Suppressions.suppress(role, "AwsSolutions-IAM5",
        "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions.",
        "Resource::*");
    Suppressions.suppress(role, "HIPAA.Security-IAMNoInlinePolicy",
        "The inline policy holds this role's own grants (CDK grant methods, each scoped to one resource) "
            + "and is deleted with the role; no other principal shares it.");
    // Only the API function publishes versions; the stream function has SnapStart off.
    Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
        "The FHIR API function is invoked only through an alias of a published version");
  }
}
