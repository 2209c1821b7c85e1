package io.fwoa.maven;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.FhirOutputs;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.cognito.IdToken;
import io.fwoa.engine.cognito.TokenFile;
import io.fwoa.engine.cognito.UserPoolRef;
import io.fwoa.engine.cognito.UserPools;
import io.fwoa.engine.cognito.UserProvisioner;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Creates (or updates) a user of the FHIR service's Cognito user pool, puts it in one of FWoA's
 * groups, and prints an ID token to send as {@code Authorization: Bearer} to the FHIR API with its
 * expiry: FWoA's scripts/provision-user.py without copying ids. The pool and app client come from
 * the deployed stack's outputs (userPoolId, userPoolAppClientId) of the configured stage and region.
 * Safe to run again: an existing user is put back in the group and keeps its password unless
 * -Dfwoa.resetPassword=true.
 */
@Mojo(name = "provision-user", threadSafe = true)
public class ProvisionUserMojo extends AbstractUserMojo {

  /** The user's name in the pool (FWoA's default: workshopuser); not an email address. */
  @Parameter(property = "fwoa.username", defaultValue = "workshopuser")
  protected String username;

  /** The user's group: practitioner, non-practitioner or auditor. */
  @Parameter(property = "fwoa.group", defaultValue = "practitioner")
  protected String group;

  /** The user's email attribute (verified). Default for a new user: &lt;username&gt;@example.com. */
  @Parameter(property = "fwoa.email")
  protected String email;

  /** The user's custom:tenantId (multi-tenancy). Default for a new user: tenant1, as FWoA. */
  @Parameter(property = "fwoa.tenantId")
  protected String tenantId;

  /** User pool id instead of the stack output userPoolId. */
  @Parameter(property = "fwoa.userPoolId")
  protected String userPoolId;

  /** App client id instead of the stack output userPoolAppClientId. */
  @Parameter(property = "fwoa.userPoolAppClientId")
  protected String userPoolAppClientId;

  /**
   * Write the ID token to this file (owner-only permissions) instead of printing it, for scripts:
   * curl -H "Authorization: Bearer $(cat FILE)".
   */
  @Parameter(property = "fwoa.tokenFile")
  protected File tokenFile;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      return;
    }
    FhirDeploymentConfig config = config();
    UserProvisioner.Request request = new UserProvisioner.Request(trim(username), trim(group), trim(email), trim(tenantId),
        password(), resetPassword);
    check(() -> UserProvisioner.validate(request));
    try (AwsSession session = session(config)) {
      UserPoolRef pool = engine(() -> UserPools.service(session, config,
          new UserPools.Overrides(userPoolId, userPoolAppClientId)));
      getLog().info("fwoa: user " + request.username() + " in user pool " + pool.userPoolId() + " (stage '"
          + config.getStage() + "', " + config.getRegion() + ")");
      UserProvisioner.Result result = engine(() -> new UserProvisioner(session, engineLog()).provision(pool, request));
      if (result.changes().isEmpty()) {
        getLog().info("  No changes: the user exists, is in group " + request.group() + " and the password signs in.");
      }
      result.changes().forEach(c -> getLog().info("  " + c));
      printGeneratedPassword(result.username(), result.generatedPassword());
      report(result.token(), pool, config);
    }
  }

  private void report(IdToken token, UserPoolRef pool, FhirDeploymentConfig config)
      throws MojoExecutionException, MojoFailureException {
    String groups = token.groups().isEmpty() ? "none" : String.join(", ", token.groups());
    getLog().info("");
    if (tokenFile != null) {
      engine(() -> {
        TokenFile.write(tokenFile.toPath(), token.value());
        return null;
      });
      getLog().info("  ID token written to " + tokenFile + " (readable by you only)");
    } else {
      getLog().info("  ID token : " + token.value());
    }
    getLog().info("             Cognito ID token (the API's Cognito authorizer accepts ID tokens): send it as "
        + "'Authorization: Bearer <token>'");
    getLog().info("             groups: " + groups + "; expires " + expiry(token.expiresAt()));
    pool.output(FhirOutputs.SERVICE_ENDPOINT).ifPresent(endpoint -> {
      String bearer = tokenFile != null ? "$(cat " + tokenFile + ")" : "<token>";
      getLog().info("  Try      : curl -H \"Authorization: Bearer " + bearer + "\" -H \"x-api-key: <API key>\" "
          + endpoint + (endpoint.endsWith("/") ? "" : "/") + "Patient/_history");
      pool.output(FhirOutputs.DEVELOPER_API_KEY).ifPresent(keyId -> getLog().info("  API key  : aws apigateway "
          + "get-api-key --api-key " + keyId + " --include-value --query value --output text --region "
          + config.getRegion()));
    });
  }

  static String expiry(Instant expiresAt) {
    if (expiresAt == null) {
      return "(no exp claim)";
    }
    long minutes = Duration.between(Instant.now(), expiresAt).toMinutes();
    return expiresAt.truncatedTo(ChronoUnit.SECONDS) + " (in " + minutes + " min; run the goal again for a new one)";
  }

  private static String trim(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
