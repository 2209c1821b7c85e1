package io.fwoa.engine.cognito;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.FhirOutputs;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.outputs.DeployedOutputs;
import io.fwoa.engine.outputs.StackOutputs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the user pools of a deployment in its stack outputs (FWoA's output names), so nobody copies
 * ids by hand. An id given on the command line wins over the output; when both ids are given the
 * stacks are not read at all (a pool that fwoa did not deploy works too).
 */
public final class UserPools {

  /** Cognito's user pool id syntax ({@code <region>_<id>}; cognito-local uses {@code local_<id>}). */
  private static final Pattern POOL_ID = Pattern.compile("[\\w-]+_[0-9a-zA-Z]+");
  private static final Pattern CLIENT_ID = Pattern.compile("[\\w+]{1,128}");
  private static final Pattern REGION_PREFIX = Pattern.compile("([a-z]{2}(?:-[a-z]+)+-\\d+)_.*");

  /**
   * Ids given by the user instead of the stack outputs.
   *
   * @param userPoolId null to read it from the outputs
   * @param appClientId null to read it from the outputs
   */
  public record Overrides(String userPoolId, String appClientId) {

    public Overrides {
      userPoolId = blankToNull(userPoolId);
      appClientId = blankToNull(appClientId);
    }

    boolean complete() {
      return userPoolId != null && appClientId != null;
    }
  }

  private UserPools() {}

  /**
   * The FHIR service's user pool (outputs {@code userPoolId}, {@code userPoolAppClientId}).
   *
   * @throws io.fwoa.engine.outputs.NotDeployedException if the stack is not deployed (run fwoa:deploy)
   * @throws CognitoUserException for a SMART deployment or ids that are not Cognito ids
   */
  public static UserPoolRef service(AwsSession session, FhirDeploymentConfig config, Overrides overrides) {
    if (config.isSmart() && !overrides.complete()) {
      throw new CognitoUserException("Stage '" + config.getStage() + "' is a SMART on FHIR deployment: it has no "
          + "Cognito user pool, users sign in at your authorization server (" + config.getIssuerEndpoint()
          + "). To manage users of another Cognito pool, give -Dfwoa.userPoolId= and -Dfwoa.userPoolAppClientId=.");
    }
    return resolve(session, config, overrides, FhirOutputs.USER_POOL_ID, FhirOutputs.USER_POOL_APP_CLIENT_ID,
        "-Dfwoa.userPoolId", "-Dfwoa.userPoolAppClientId");
  }

  /**
   * The OpenSearch Dashboards user pool, which fwoa deploys in the dev stage only.
   *
   * @throws CognitoUserException for any other stage
   */
  public static UserPoolRef dashboards(AwsSession session, FhirDeploymentConfig config, Overrides overrides) {
    requireDashboardsStage(config);
    return resolve(session, config, overrides, FhirOutputs.DASHBOARDS_USER_POOL_ID,
        FhirOutputs.DASHBOARDS_USER_POOL_APP_CLIENT_ID, "-Dfwoa.dashboardsUserPoolId", "-Dfwoa.dashboardsUserPoolAppClientId");
  }

  /** Dashboards exist only in dev (as in FWoA, where Kibana was dev only): say so before any AWS call. */
  public static void requireDashboardsStage(FhirDeploymentConfig config) {
    if (!config.isDev()) {
      throw new CognitoUserException("OpenSearch Dashboards are only deployed in the '" + FhirDeploymentConfig.DEFAULT_STAGE
          + "' stage; stage '" + config.getStage() + "' has no Dashboards and no Dashboards user pool. Use -Dfwoa.stage="
          + FhirDeploymentConfig.DEFAULT_STAGE + " for the development deployment.");
    }
  }

  private static UserPoolRef resolve(AwsSession session, FhirDeploymentConfig config, Overrides overrides,
      String poolOutput, String clientOutput, String poolProperty, String clientProperty) {
    Map<String, String> outputs = new LinkedHashMap<>();
    String poolId = overrides.userPoolId();
    String clientId = overrides.appClientId();
    if (!overrides.complete()) {
      DeployedOutputs deployed = StackOutputs.read(session, config);
      deployed.stacks().values().forEach(outputs::putAll);
      poolId = poolId != null ? poolId : deployed.require(poolOutput);
      clientId = clientId != null ? clientId : deployed.require(clientOutput);
    }
    if (!POOL_ID.matcher(poolId).matches()) {
      throw new CognitoUserException("'" + poolId + "' is not a Cognito user pool id (like us-west-2_AbC123xyZ); fix "
          + poolProperty + "=");
    }
    if (!CLIENT_ID.matcher(clientId).matches()) {
      throw new CognitoUserException("'" + clientId + "' is not a Cognito app client id; fix " + clientProperty + "=");
    }
    Matcher region = REGION_PREFIX.matcher(poolId);
    if (region.matches() && !region.group(1).equals(config.getRegion())) {
      throw new CognitoUserException("User pool " + poolId + " is in region " + region.group(1) + ", but fwoa.region is "
          + config.getRegion() + ": pass -Dfwoa.region=" + region.group(1) + " (or fix " + poolProperty + ").");
    }
    return new UserPoolRef(poolId, clientId, outputs);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
