package io.fwoa.server.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CognitoIdentityProviderException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;

/**
 * The local user pool in cognito-local, set up as fwoa-constructs sets up the cloud one: FWoA's
 * groups (practitioner, non-practitioner, auditor), an app client with USER_PASSWORD_AUTH, and one
 * user per group. Pool id, client id and the generated local passwords are kept in a state file
 * next to the data, so tokens keep working across runs.
 */
public final class LocalCognito implements AutoCloseable {

  public static final List<String> GROUPS = List.of("practitioner", "non-practitioner", "auditor");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CognitoIdentityProviderClient client;
  private final String poolId;
  private final String clientId;
  private final Map<String, String> passwords;

  private LocalCognito(CognitoIdentityProviderClient client, String poolId, String clientId,
      Map<String, String> passwords) {
    this.client = client;
    this.poolId = poolId;
    this.clientId = clientId;
    this.passwords = passwords;
  }

  /** Reuses the pool recorded in the state file if cognito-local still has it, else creates one. */
  public static LocalCognito provision(String endpoint, Path stateFile) {
    CognitoIdentityProviderClient client = CognitoIdentityProviderClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
    try {
      if (Files.exists(stateFile)) {
        ObjectNode state = (ObjectNode) JSON.readTree(stateFile.toFile());
        String poolId = state.path("userPoolId").asText();
        String clientId = state.path("userPoolClientId").asText();
        Map<String, String> passwords = new LinkedHashMap<>();
        state.path("users").fields().forEachRemaining(e -> passwords.put(e.getKey(), e.getValue().asText()));
        try {
          client.describeUserPoolClient(b -> b.userPoolId(poolId).clientId(clientId));
          return new LocalCognito(client, poolId, clientId, passwords);
        } catch (CognitoIdentityProviderException gone) {
          // cognito-local lost its data: set up a new pool below.
        }
      }
      String poolId = client.createUserPool(b -> b.poolName("fwoa-local")).userPool().id();
      String clientId = client.createUserPoolClient(b -> b.userPoolId(poolId).clientName("fwoa-local")
          .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH, ExplicitAuthFlowsType.ALLOW_REFRESH_TOKEN_AUTH))
          .userPoolClient().clientId();
      Map<String, String> passwords = new LinkedHashMap<>();
      SecureRandom random = new SecureRandom();
      for (String group : GROUPS) {
        client.createGroup(b -> b.userPoolId(poolId).groupName(group));
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        String password = "Fw0a-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String username = group + "@fwoa.local";
        client.adminCreateUser(b -> b.userPoolId(poolId).username(username)
            .messageAction(MessageActionType.SUPPRESS)
            .userAttributes(AttributeType.builder().name("email").value(username).build(),
                AttributeType.builder().name("email_verified").value("true").build()));
        client.adminSetUserPassword(b -> b.userPoolId(poolId).username(username).password(password).permanent(true));
        client.adminAddUserToGroup(b -> b.userPoolId(poolId).username(username).groupName(group));
        passwords.put(username, password);
      }
      ObjectNode state = JSON.createObjectNode();
      state.put("userPoolId", poolId);
      state.put("userPoolClientId", clientId);
      ObjectNode users = state.putObject("users");
      passwords.forEach(users::put);
      Files.createDirectories(stateFile.getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(stateFile.toFile(), state);
      return new LocalCognito(client, poolId, clientId, passwords);
    } catch (IOException e) {
      client.close();
      throw new UncheckedIOException("Could not read or write " + stateFile, e);
    }
  }

  public String poolId() {
    return poolId;
  }

  public String clientId() {
    return clientId;
  }

  /** The local users: one per group, named {@code <group>@fwoa.local}. */
  public List<String> users() {
    return List.copyOf(passwords.keySet());
  }

  /** A fresh ID token of a local user (valid 24 hours); a bare group name means that group's user. */
  public String idToken(String user) {
    if (!user.contains("@")) {
      user = user + "@fwoa.local";
    }
    String name = user;
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException("No local user '" + user + "'; users are " + passwords.keySet());
    }
    return client.initiateAuth(b -> b.clientId(clientId).authFlow(AuthFlowType.USER_PASSWORD_AUTH)
        .authParameters(Map.of("USERNAME", name, "PASSWORD", password)))
        .authenticationResult().idToken();
  }

  /** Creates an extra user in the given groups (none for a user without access). */
  public String createUser(String username, String password, List<String> groups) {
    client.adminCreateUser(b -> b.userPoolId(poolId).username(username).messageAction(MessageActionType.SUPPRESS));
    client.adminSetUserPassword(b -> b.userPoolId(poolId).username(username).password(password).permanent(true));
    for (String g : groups) {
      client.adminAddUserToGroup(b -> b.userPoolId(poolId).username(username).groupName(g));
    }
    passwords.put(username, password);
    return username;
  }

  @Override
  public void close() {
    client.close();
  }
}
