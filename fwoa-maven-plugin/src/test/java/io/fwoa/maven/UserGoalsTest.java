package io.fwoa.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import io.fwoa.engine.testing.CognitoEmulator;
import io.fwoa.engine.testing.FakeStacks;
import io.fwoa.fake.aws.FakeAws;
import io.fwoa.fake.aws.FakeAwsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenExecutionRequest;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminGetUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidPasswordException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotFoundException;

/**
 * fwoa:provision-user and fwoa:dashboards-user as a user runs them: stack outputs from the in-memory
 * CloudFormation fake, users in a real cognito-local, tokens checked against its JWKS.
 */
class UserGoalsTest {

  @TempDir
  static Path emulatorDir;

  @TempDir
  Path dir;

  static CognitoEmulator cognito;

  final FakeAws aws = new FakeAws();
  final MojoFixture.Log log = new MojoFixture.Log();
  CognitoEmulator.Pool service;
  CognitoEmulator.Pool dashboards;
  final Properties userProperties = new Properties();
  final List<Server> servers = new java.util.ArrayList<>();
  final Map<String, String> environment = new HashMap<>();
  Path securityFile;

  @BeforeAll
  static void startCognito() {
    cognito = CognitoEmulator.start(emulatorDir.resolve("cognito"));
  }

  @AfterAll
  static void stopCognito() {
    if (cognito != null) {
      cognito.close();
    }
  }

  @BeforeEach
  void deploy() {
    FakeAwsProvider.use(aws);
    service = cognito.servicePool();
    dashboards = cognito.dashboardsPool();
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("ServiceEndpoint", "https://abc123.execute-api.us-west-2.amazonaws.com/dev/");
    outputs.put("developerApiKeyOutput", "k3y1d");
    outputs.put("userPoolId", service.poolId());
    outputs.put("userPoolAppClientId", service.clientId());
    outputs.put("elasticsearchDomainKibanaEndpointOutput", "https://search-fhir-service-dev.us-west-2.es.amazonaws.com/_dashboards");
    outputs.put("elasticsearchKibanaUserPoolIdOutput", dashboards.poolId());
    outputs.put("elasticsearchKibanaUserPoolAppClientIdOutput", dashboards.clientId());
    FakeStacks.deployed(aws, "fhir-service-dev", outputs);
  }

  @AfterEach
  void reset() {
    FakeAwsProvider.use(null);
  }

  private <T extends AbstractUserMojo> T user(T mojo, Object... params) {
    MojoFixture.configure(mojo, log, params);
    MavenExecutionRequest request = new DefaultMavenExecutionRequest().setUserProperties(userProperties);
    servers.forEach(request::addServer);
    MojoFixture.set(mojo, "mavenSession", new MavenSession(null, request, new DefaultMavenExecutionResult(),
        new MavenProject()));
    DefaultSecDispatcher dispatcher = new DefaultSecDispatcher(new DefaultPlexusCipher(), Map.of(),
        securityFile == null ? dir.resolve("no-settings-security.xml").toString() : securityFile.toString());
    MojoFixture.set(mojo, "settingsDecrypter", new DefaultSettingsDecrypter(dispatcher));
    mojo.environment = environment::get;
    return mojo;
  }

  private ProvisionUserMojo provision(Object... params) {
    // Maven's defaults for the goal's own parameters, then the test's.
    Object[] all = new Object[params.length + 4];
    all[0] = "username";
    all[1] = "workshopuser";
    all[2] = "group";
    all[3] = "practitioner";
    System.arraycopy(params, 0, all, 4, params.length);
    return user(new ProvisionUserMojo(), all);
  }

  private DashboardsUserMojo dashboardsUser(Object... params) {
    return user(new DashboardsUserMojo(), params);
  }

  /** The token the goal printed. */
  private String printedToken() {
    Matcher m = Pattern.compile("ID token : (\\S+)").matcher(log.text());
    assertThat(m.find()).as("a token is printed:\n" + log.text()).isTrue();
    return m.group(1);
  }

  private String printedPassword() {
    Matcher m = Pattern.compile("Password : (\\S+)").matcher(log.text());
    assertThat(m.find()).as("a password is printed:\n" + log.text()).isTrue();
    return m.group(1);
  }

  private Map<String, String> attributes(CognitoEmulator.Pool pool, String username) {
    AdminGetUserResponse user = cognito.admin().adminGetUser(r -> r.userPoolId(pool.poolId()).username(username));
    Map<String, String> out = new HashMap<>();
    for (AttributeType a : user.userAttributes()) {
      out.put(a.name(), a.value());
    }
    out.put("status", user.userStatusAsString());
    return out;
  }

  // ---- provision-user ------------------------------------------------------------------------

  @Test
  void newUserGetsAPermanentPasswordItsGroupAndAPrintedIdTokenThatVerifiesAgainstTheJwks() throws Exception {
    userProperties.setProperty("fwoa.password", "Correct-Horse-9");

    provision().execute();

    JWTClaimsSet claims = cognito.verify(service, printedToken());
    assertThat(claims.getStringListClaim("cognito:groups")).containsExactly("practitioner");
    assertThat(claims.getStringClaim("token_use")).isEqualTo("id");
    assertThat(claims.getStringClaim("cognito:username")).isEqualTo("workshopuser");
    assertThat(claims.getStringClaim("custom:tenantId")).isEqualTo("tenant1");
    assertThat(claims.getExpirationTime().toInstant()).isAfter(Instant.now());
    assertThat(attributes(service, "workshopuser")).containsEntry("status", "CONFIRMED")
        .containsEntry("email", "workshopuser@example.com").containsEntry("email_verified", "true")
        .containsEntry("custom:tenantId", "tenant1");
    assertThat(log.text()).contains("created user workshopuser").contains("added to group practitioner")
        .contains("groups: practitioner; expires " + claims.getExpirationTime().toInstant())
        .contains("Authorization: Bearer")
        .contains("https://abc123.execute-api.us-west-2.amazonaws.com/dev/Patient/_history")
        .contains("get-api-key --api-key k3y1d")
        .doesNotContain("Correct-Horse-9");
    assertThat(cognito.signIn(service, "workshopuser", "Correct-Horse-9")).isNotBlank();
  }

  @Test
  void withoutAPasswordOneIsGeneratedToThePoolsPolicyAndPrintedOnce() throws Exception {
    provision("username", "alice", "group", "auditor", "tenantId", "acme").execute();

    String password = printedPassword();
    assertThat(password).hasSizeGreaterThanOrEqualTo(8).matches(".*[A-Z].*").matches(".*[a-z].*")
        .matches(".*[0-9].*").matches(".*[^A-Za-z0-9].*");
    assertThat(log.text().split(Pattern.quote(password), -1)).hasSize(2);
    assertThat(log.text()).contains("shown only now");
    JWTClaimsSet claims = cognito.verify(service, cognito.signIn(service, "alice", password));
    assertThat(claims.getStringListClaim("cognito:groups")).containsExactly("auditor");
    assertThat(claims.getStringClaim("custom:tenantId")).isEqualTo("acme");
    assertThat(cognito.verify(service, printedToken()).getStringListClaim("cognito:groups")).containsExactly("auditor");
  }

  @Test
  void runningAgainForAnExistingUserIsSafeAndTheKnownPasswordStillSignsIn() throws Exception {
    environment.put("FWOA_PASSWORD", "First-Pass-1");
    provision().execute();
    log.lines.clear();

    provision().execute();

    assertThat(log.text()).contains("No changes").doesNotContain("created user").doesNotContain("Password :");
    assertThat(cognito.verify(service, printedToken()).getStringListClaim("cognito:groups")).containsExactly("practitioner");
    assertThat(cognito.signIn(service, "workshopuser", "First-Pass-1")).isNotBlank();
  }

  @Test
  void anExistingUserIsReAddedToItsGroupAndMovedOutOfOtherFwoaGroups() throws Exception {
    environment.put("FWOA_PASSWORD", "First-Pass-1");
    provision().execute();
    cognito.admin().adminRemoveUserFromGroup(r -> r.userPoolId(service.poolId()).username("workshopuser")
        .groupName("practitioner"));
    log.lines.clear();

    provision().execute();

    assertThat(log.text()).contains("added to group practitioner");
    assertThat(cognito.verify(service, printedToken()).getStringListClaim("cognito:groups")).containsExactly("practitioner");

    log.lines.clear();
    provision("group", "non-practitioner").execute();

    assertThat(log.text()).contains("added to group non-practitioner").contains("removed from group practitioner");
    assertThat(cognito.verify(service, printedToken()).getStringListClaim("cognito:groups"))
        .containsExactly("non-practitioner");
  }

  @Test
  void anExistingUserWithoutItsPasswordIsRefusedUnlessAResetIsAsked() throws Exception {
    environment.put("FWOA_PASSWORD", "First-Pass-1");
    provision().execute();
    environment.clear();

    assertThatThrownBy(() -> provision().execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("User workshopuser already exists").hasMessageContaining("-Dfwoa.resetPassword=true");
    assertThat(cognito.signIn(service, "workshopuser", "First-Pass-1")).isNotBlank();

    log.lines.clear();
    provision("resetPassword", true).execute();

    String newPassword = printedPassword();
    assertThat(cognito.verify(service, printedToken()).getStringListClaim("cognito:groups")).containsExactly("practitioner");
    assertThat(cognito.signIn(service, "workshopuser", newPassword)).isNotBlank();
    // The old password no longer signs in (cognito-local answers a wrong password with
    // InvalidPasswordException "Invalid password"; AWS with NotAuthorizedException).
    assertThatThrownBy(() -> cognito.signIn(service, "workshopuser", "First-Pass-1"))
        .isInstanceOf(InvalidPasswordException.class).hasMessageContaining("Invalid password");
  }

  @Test
  void aWrongPasswordForAnExistingUserChangesNothing() throws Exception {
    environment.put("FWOA_PASSWORD", "First-Pass-1");
    provision().execute();
    environment.put("FWOA_PASSWORD", "Other-Pass-2");

    assertThatThrownBy(() -> provision("group", "auditor").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("does not sign in").hasMessageContaining("-Dfwoa.resetPassword=true")
        .hasMessageNotContaining("Other-Pass-2");
    assertThat(cognito.verify(service, cognito.signIn(service, "workshopuser", "First-Pass-1"))
        .getStringListClaim("cognito:groups")).containsExactly("practitioner");
  }

  @Test
  void anUnknownGroupFailsNamingTheValidGroupsBeforeAnyAwsCall() {
    assertThatThrownBy(() -> provision("group", "admin").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("'admin' is not a fwoa group")
        .hasMessageContaining("practitioner, non-practitioner, auditor")
        .hasMessageContaining("-Dfwoa.group=");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void aWeakPasswordFailsWithThePoolsRuleAndCreatesNoUser() {
    userProperties.setProperty("fwoa.password", "password1");

    assertThatThrownBy(() -> provision().execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("does not meet the user pool's password policy (no uppercase letter; no symbol)")
        .hasMessageContaining("The pool requires at least 8 characters, with an uppercase letter, a lowercase letter, a "
            + "number and a symbol")
        .hasMessageContaining("-Dfwoa.password")
        .hasMessageNotContaining("password1");
    assertThatThrownBy(() -> cognito.admin().adminGetUser(r -> r.userPoolId(service.poolId()).username("workshopuser")))
        .isInstanceOf(UserNotFoundException.class);
  }

  @Test
  void anExistingUsersPasswordFromBeforeTheCurrentPolicyStillGetsAToken() throws Exception {
    // Made in the console before the policy was tightened: the goal only signs in with it.
    cognito.admin().adminCreateUser(r -> r.userPoolId(service.poolId()).username("legacy").messageAction("SUPPRESS"));
    cognito.admin().adminSetUserPassword(r -> r.userPoolId(service.poolId()).username("legacy").password("oldpassword")
        .permanent(true));
    userProperties.setProperty("fwoa.password", "oldpassword");

    provision("username", "legacy").execute();

    assertThat(log.text()).contains("added to group practitioner").doesNotContain("password policy");
    assertThat(cognito.verify(service, printedToken()).getStringListClaim("cognito:groups")).containsExactly("practitioner");
  }

  @Test
  void aStackThatIsNotDeployedSaysToRunDeployFirst() {
    userProperties.setProperty("fwoa.password", "Correct-Horse-9");

    assertThatThrownBy(() -> provision("stage", "qa").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("Stack fhir-service-qa is not deployed")
        .hasMessageContaining("mvn fwoa:deploy");
  }

  @Test
  void aDeployedStackWithoutTheUserPoolOutputSaysToDeployTheCurrentConfiguration() {
    FakeStacks.deployed(aws, "fhir-service-test", Map.of("ServiceEndpoint", "https://x.example/test/"));

    assertThatThrownBy(() -> provision("stage", "test").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("no output 'userPoolId'").hasMessageContaining("mvn fwoa:deploy");
  }

  @Test
  void commandLineIdsOverrideTheOutputsAndNeedNoStack() throws Exception {
    userProperties.setProperty("fwoa.password", "Correct-Horse-9");

    provision("stage", "other", "userPoolId", service.poolId(), "userPoolAppClientId", service.clientId()).execute();

    assertThat(aws.calls()).isEmpty();
    assertThat(cognito.verify(service, printedToken()).getStringListClaim("cognito:groups")).containsExactly("practitioner");
  }

  @Test
  void aSmartDeploymentHasNoUserPoolToProvision() {
    assertThatThrownBy(() -> provision("issuerEndpoint", "https://auth.example.org", "oAuth2ApiEndpoint",
        "https://auth.example.org/oauth2", "patientPickerEndpoint", "https://auth.example.org/picker").execute())
        .isInstanceOf(MojoFailureException.class).hasMessageContaining("SMART on FHIR deployment");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void theTokenFileIsOwnerOnlyAndTheTokenIsNotPrinted() throws Exception {
    userProperties.setProperty("fwoa.password", "Correct-Horse-9");
    Path file = dir.resolve("secrets/token");

    provision("tokenFile", file.toFile()).execute();

    String token = Files.readString(file).trim();
    assertThat(cognito.verify(service, token).getStringListClaim("cognito:groups")).containsExactly("practitioner");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE));
    assertThat(log.text()).doesNotContain(token).contains("ID token written to " + file);
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing).containsExactly(file);
    }
  }

  @Test
  void thePasswordCanComeFromAnEncryptedSettingsServer() throws Exception {
    DefaultPlexusCipher cipher = new DefaultPlexusCipher();
    String master = cipher.encryptAndDecorate("master-secret", "settings.security");
    securityFile = dir.resolve("settings-security.xml");
    Files.writeString(securityFile, "<settingsSecurity><master>" + master + "</master></settingsSecurity>");
    Server server = new Server();
    server.setId("fwoa-dev-user");
    server.setPassword(cipher.encryptAndDecorate("From-Settings-7", "master-secret"));
    servers.add(server);

    provision("serverId", "fwoa-dev-user").execute();

    assertThat(cognito.signIn(service, "workshopuser", "From-Settings-7")).isNotBlank();
    assertThat(log.text()).doesNotContain("From-Settings-7").doesNotContain("Password :");
  }

  @Test
  void anUnknownSettingsServerIsAConfigurationFailure() {
    assertThatThrownBy(() -> provision("serverId", "nope").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("No <server> with id 'nope' in settings.xml").hasMessageContaining("-Dfwoa.serverId=");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void anEmailAddressAsUsernameIsRefusedWithTheReason() {
    assertThatThrownBy(() -> provision("username", "jane@example.org").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("looks like an email address").hasMessageContaining("sign-in alias");
  }

  // ---- dashboards-user -----------------------------------------------------------------------

  @Test
  void dashboardsUserInDevIsAConfirmedUserWithAVerifiedEmailAndTheUrlIsPrinted() throws Exception {
    environment.put("FWOA_PASSWORD", "Dash-Board-5");

    dashboardsUser("email", "jane.doe@example.org").execute();

    assertThat(attributes(dashboards, "jane.doe")).containsEntry("status", "CONFIRMED")
        .containsEntry("email", "jane.doe@example.org").containsEntry("email_verified", "true");
    assertThat(cognito.verify(dashboards, cognito.signIn(dashboards, "jane.doe", "Dash-Board-5")).getSubject())
        .isNotBlank();
    assertThat(log.text())
        .contains("Dashboards: https://search-fhir-service-dev.us-west-2.es.amazonaws.com/_dashboards")
        .contains("Sign in as: jane.doe@example.org (or username jane.doe)")
        .doesNotContain("Dash-Board-5");

    log.lines.clear();
    dashboardsUser("email", "jane.doe@example.org").execute();

    assertThat(log.text()).contains("No changes");
  }

  @Test
  void dashboardsUserConfirmsAUserThatSignedUpButWasNeverConfirmed() throws Exception {
    // The state FWoA's documented 'sign-up' left behind before 'admin-confirm-sign-up'.
    cognito.admin().signUp(r -> r.clientId(dashboards.clientId()).username("sam").password("Signed-Up-3")
        .userAttributes(AttributeType.builder().name("email").value("sam@example.org").build()));
    assertThat(attributes(dashboards, "sam")).containsEntry("status", "UNCONFIRMED");

    dashboardsUser("email", "sam@example.org").execute();

    assertThat(attributes(dashboards, "sam")).containsEntry("status", "CONFIRMED").containsEntry("email_verified", "true");
    assertThat(log.text()).contains("confirmed the sign-up");
    assertThat(cognito.signIn(dashboards, "sam", "Signed-Up-3")).isNotBlank();
  }

  @Test
  void dashboardsUserIsRefusedOutsideDevBeforeAnyAwsCall() {
    assertThatThrownBy(() -> dashboardsUser("stage", "prod", "email", "jane@example.org").execute())
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("OpenSearch Dashboards are only deployed in the 'dev' stage")
        .hasMessageContaining("stage 'prod' has no Dashboards");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void dashboardsUserNeedsAValidEmail() {
    assertThatThrownBy(() -> dashboardsUser().execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("An email address is required (-Dfwoa.email=");
    assertThatThrownBy(() -> dashboardsUser("email", "jane@localhost").execute()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("'jane@localhost' is not a valid email address");
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void bothGoalsHonourSkip() throws Exception {
    provision("skip", true, "group", "nope").execute();
    dashboardsUser("skip", true, "stage", "prod").execute();

    assertThat(log.lines).filteredOn(l -> l.contains("skipped (fwoa.skip=true)")).hasSize(2);
    assertThat(aws.calls()).isEmpty();
  }
}
