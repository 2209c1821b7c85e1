package io.fwoa.maven;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.FhirOutputs;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.cognito.DashboardsUsers;
import io.fwoa.engine.cognito.UserPoolRef;
import io.fwoa.engine.cognito.UserPools;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Creates a confirmed user with a verified email address in the OpenSearch Dashboards user pool
 * (dev stage only, as FWoA's Kibana user) and prints the Dashboards URL. The pool is
 * admin-create-only, so instead of FWoA's sign-up + admin-confirm-sign-up the user is created by
 * the administrator with a permanent password, which leaves it in the same confirmed state. The
 * user signs in with the email address.
 */
@Mojo(name = "dashboards-user", threadSafe = true)
public class DashboardsUserMojo extends AbstractUserMojo {

  /** The user's email address (required): the Dashboards sign-in name. */
  @Parameter(property = "fwoa.email")
  protected String email;

  /** The user's name in the pool; default: the part of the email address before the '@'. */
  @Parameter(property = "fwoa.username")
  protected String username;

  /** Dashboards user pool id instead of the stack output elasticsearchKibanaUserPoolIdOutput. */
  @Parameter(property = "fwoa.dashboardsUserPoolId")
  protected String dashboardsUserPoolId;

  /** Dashboards app client id instead of the stack output elasticsearchKibanaUserPoolAppClientIdOutput. */
  @Parameter(property = "fwoa.dashboardsUserPoolAppClientId")
  protected String dashboardsUserPoolAppClientId;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      return;
    }
    FhirDeploymentConfig config = config();
    check(() -> UserPools.requireDashboardsStage(config));
    DashboardsUsers.Request request = new DashboardsUsers.Request(trim(email), trim(username), password(), resetPassword);
    check(() -> DashboardsUsers.validate(request));
    try (AwsSession session = session(config)) {
      UserPoolRef pool = engine(() -> UserPools.dashboards(session, config,
          new UserPools.Overrides(dashboardsUserPoolId, dashboardsUserPoolAppClientId)));
      getLog().info("fwoa: OpenSearch Dashboards user " + request.email() + " in user pool " + pool.userPoolId()
          + " (stage '" + config.getStage() + "', " + config.getRegion() + ")");
      DashboardsUsers.Result result = engine(() -> new DashboardsUsers(session).ensure(pool, request));
      if (result.changes().isEmpty()) {
        getLog().info("  No changes: user " + result.username() + " exists and is confirmed"
            + (request.password() != null ? "; the password signs in." : " (password unchanged; "
                + "-Dfwoa.resetPassword=true sets a new one)."));
      }
      result.changes().forEach(c -> getLog().info("  " + c));
      printGeneratedPassword(result.username(), result.generatedPassword());
      getLog().info("");
      getLog().info("  Dashboards: " + result.dashboardsUrl().orElse("(no " + FhirOutputs.DASHBOARDS_ENDPOINT
          + " output; see INFO_OUTPUT.log after 'mvn fwoa:info')"));
      getLog().info("  Sign in as: " + result.email() + " (or username " + result.username() + ")");
    }
  }

  private static String trim(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
