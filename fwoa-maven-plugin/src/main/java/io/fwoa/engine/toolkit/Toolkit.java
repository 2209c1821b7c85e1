package io.fwoa.engine.toolkit;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where file assets (Lambda code, templates over 50 KiB) are uploaded before a deployment.
 *
 * <p>fwoa's default is its own toolkit stack {@code fwoa-toolkit}: one encrypted, TLS-only,
 * versioned bucket with a lifecycle rule, created by the first {@code fwoa:deploy} in an account
 * and region, with the caller's credentials. The CDK CLI's bootstrap stack also holds roles, an
 * ECR repository and an SSM parameter that fwoa does not use, and needs the CLI to create; an
 * account that is already bootstrapped can still be used with {@code -Dfwoa.toolkit=cdk}
 * (assets then go to the bootstrap bucket of the given qualifier).
 *
 * @param kind fwoa's own toolkit stack, or an existing CDK bootstrap stack
 * @param stackName the toolkit stack's name
 * @param bucketNameTemplate bucket name with {@code ${AWS::AccountId}} and {@code ${AWS::Region}} placeholders
 */
public record Toolkit(Kind kind, String stackName, String bucketNameTemplate) {

  public enum Kind {
    FWOA,
    CDK
  }

  public static final String FWOA_STACK = "fwoa-toolkit";
  public static final String FWOA_BUCKET = "fwoa-assets-${AWS::AccountId}-${AWS::Region}";
  public static final String CDK_STACK = "CDKToolkit";
  public static final String CDK_DEFAULT_QUALIFIER = "hnb659fds";
  /** Output of the fwoa toolkit template that names its version; changes when the template changes. */
  public static final String VERSION = "1";

  private static final Pattern QUALIFIER = Pattern.compile("[a-z0-9]{1,10}");

  public static Toolkit fwoa() {
    return new Toolkit(Kind.FWOA, FWOA_STACK, FWOA_BUCKET);
  }

  public static Toolkit cdk(String qualifier) {
    String q = qualifier == null || qualifier.isBlank() ? CDK_DEFAULT_QUALIFIER : qualifier.trim();
    return new Toolkit(Kind.CDK, CDK_STACK, "cdk-" + q + "-assets-${AWS::AccountId}-${AWS::Region}");
  }

  /**
   * @param value "fwoa" (default) or "cdk"
   * @param cdkQualifier bootstrap qualifier when value is "cdk"
   * @throws IllegalArgumentException naming the valid values
   */
  public static Toolkit parse(String value, String cdkQualifier) {
    String v = value == null || value.isBlank() ? "fwoa" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "fwoa":
        return fwoa();
      case "cdk":
        if (cdkQualifier != null && !cdkQualifier.isBlank() && !QUALIFIER.matcher(cdkQualifier.trim()).matches()) {
          throw new IllegalArgumentException("'" + cdkQualifier + "' is not a CDK bootstrap qualifier "
              + "(1-10 lowercase letters or digits, default " + CDK_DEFAULT_QUALIFIER + ")");
        }
        return cdk(cdkQualifier);
      default:
        throw new IllegalArgumentException("'" + value + "' is not a toolkit: use 'fwoa' (fwoa's own asset bucket "
            + "stack, created on first deploy) or 'cdk' (an account bootstrapped with 'cdk bootstrap')");
    }
  }

  /** The bucket name in one account and region. */
  public String bucketName(String account, String region) {
    return bucketNameTemplate.replace("${AWS::AccountId}", account).replace("${AWS::Region}", region);
  }
}
