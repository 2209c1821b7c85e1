package io.fwoa.server.support;

import io.fwoa.server.local.LocalFhirServer;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;

/**
 * Users of one tenant in the local user pool, made as an administrator makes them in the cloud
 * (AdminCreateUser with {@code custom:tenantId}), so their ID tokens carry the tenant claim.
 */
public final class TenantUsers {

  private TenantUsers() {}

  /** A new practitioner of the tenant; returns a fresh ID token. */
  public static String practitionerToken(LocalFhirServer server, String tenant) {
    String username = "p-" + tenant + "-" + UUID.randomUUID().toString().substring(0, 8) + "@fwoa.local";
    String password = "Fw0a-" + UUID.randomUUID();
    String pool = server.cognito().poolId();
    try (CognitoIdentityProviderClient cognito = CognitoIdentityProviderClient.builder()
        .endpointOverride(URI.create(server.cognitoEndpoint()))
        .region(Region.US_EAST_1)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build()) {
      cognito.adminCreateUser(b -> b.userPoolId(pool).username(username).messageAction(MessageActionType.SUPPRESS)
          .userAttributes(AttributeType.builder().name("custom:tenantId").value(tenant).build()));
      cognito.adminSetUserPassword(b -> b.userPoolId(pool).username(username).password(password).permanent(true));
      cognito.adminAddUserToGroup(b -> b.userPoolId(pool).username(username).groupName("practitioner"));
      return cognito.initiateAuth(b -> b.clientId(server.cognito().clientId())
          .authFlow(AuthFlowType.USER_PASSWORD_AUTH)
          .authParameters(Map.of("USERNAME", username, "PASSWORD", password)))
          .authenticationResult().idToken();
    }
  }
}
