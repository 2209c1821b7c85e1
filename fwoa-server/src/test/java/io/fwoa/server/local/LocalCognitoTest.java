package io.fwoa.server.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidParameterException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/**
 * The local user pool against a real cognito-local: every local user belongs to the tenant
 * {@code local}, and no user can move themselves to another tenant with their own access token.
 *
 * <p>What this proves, and what it does not: cognito-local 5.3.0 checks UpdateUserAttributes only
 * against the schema's Mutable flag, not against the app client's WriteAttributes, so the local pool
 * makes custom:tenantId immutable and the refusal here comes from that. The deployed pool keeps the
 * attribute mutable (administrators change tenants with AdminUpdateUserAttributes) and relies on the
 * app client's WriteAttributes instead, which FhirServiceTest checks in the template.
 */
class LocalCognitoTest {

  @TempDir
  static Path dir;

  static NodeProcess process;
  static CognitoIdentityProviderClient admin;
  static LocalCognito cognito;

  @BeforeAll
  static void start() throws Exception {
    Path modules = NpmPackages.install(LocalCognitoTest.class.getClassLoader(), "io/fwoa/server/local/emulators",
        "emulators", NpmPackages.defaultCacheDirectory(), LocalLog.SILENT);
    Path work = Files.createDirectories(dir.resolve("cognito"));
    int port = NodeProcess.freePort();
    process = NodeProcess.start("cognito-local", modules.resolve("cognito-local/lib/bin/start.js"), List.of(), work,
        Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(port)), dir.resolve("cognito-local.log"), port);
    admin = CognitoIdentityProviderClient.builder()
        .endpointOverride(URI.create(process.endpoint()))
        .region(Region.US_EAST_1)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
    cognito = LocalCognito.provision(process.endpoint(), dir.resolve("local-stack.json"));
  }

  @AfterAll
  static void stop() {
    if (cognito != null) {
      cognito.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (process != null) {
      process.close();
    }
  }

  private static String tenantOf(String idToken) throws Exception {
    return SignedJWT.parse(idToken).getJWTClaimsSet().getStringClaim("custom:tenantId");
  }

  @Test
  void everyLocalUserBelongsToTheLocalTenant() throws Exception {
    for (String user : cognito.users()) {
      assertThat(tenantOf(cognito.idToken(user))).as(user).isEqualTo(LocalCognito.LOCAL_TENANT);
    }
  }

  @Test
  void aUserCannotMoveThemselvesToAnotherTenantWithTheirOwnAccessToken() throws Exception {
    String accessToken = cognito.signIn("practitioner").accessToken();

    assertThatThrownBy(() -> admin.updateUserAttributes(r -> r.accessToken(accessToken)
        .userAttributes(AttributeType.builder().name("custom:tenantId").value("tenantB").build())))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("custom:tenantId")
        .hasMessageContaining("cannot be updated");
    assertThat(tenantOf(cognito.idToken("practitioner"))).isEqualTo(LocalCognito.LOCAL_TENANT);
  }

  @Test
  void theAppClientMayWriteAndReadWhatTheDeployedOneMay() {
    UserPoolClientType client = admin.describeUserPoolClient(r -> r.userPoolId(cognito.poolId())
        .clientId(cognito.clientId())).userPoolClient();
    assertThat(client.writeAttributes()).containsExactly("email");
    assertThat(client.readAttributes()).containsExactly("custom:tenantId", "email", "email_verified");
  }

  @Test
  void aPoolFromBeforeTenantsIsReplacedSoLocalUsersGetOne() throws Exception {
    // What earlier versions of fwoa:run created: no custom:tenantId in the schema, users without a tenant.
    String oldPool = admin.createUserPool(r -> r.poolName("fwoa-local")).userPool().id();
    String oldClient = admin.createUserPoolClient(r -> r.userPoolId(oldPool).clientName("fwoa-local"))
        .userPoolClient().clientId();
    Path state = dir.resolve("old-stack.json");
    Files.writeString(state, "{\"userPoolId\":\"" + oldPool + "\",\"userPoolClientId\":\"" + oldClient
        + "\",\"users\":{}}");

    try (LocalCognito upgraded = LocalCognito.provision(process.endpoint(), state)) {
      assertThat(upgraded.poolId()).isNotEqualTo(oldPool);
      assertThat(tenantOf(upgraded.idToken("practitioner"))).isEqualTo(LocalCognito.LOCAL_TENANT);
      assertThat(Files.readString(state)).contains(upgraded.poolId());
    }
  }
}
