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
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeDataType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthenticationResultType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CognitoIdentityProviderException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.SchemaAttributeType;

/**
 * The local user pool in cognito-local, set up as fwoa-constructs sets up the cloud one: FWoA's
 * groups (practitioner, non-practitioner, auditor), an app client with USER_PASSWORD_AUTH and the
 * deployed client's read and write attributes, and one user per group, all in the tenant
 * {@value #LOCAL_TENANT}. Pool id, client id and the generated local passwords are kept in a state
 * file next to the data, so tokens keep working across runs.
 *
 * <p>custom:tenantId is immutable here, unlike in the deployed pool: cognito-local does not enforce
 * an app client's WriteAttributes (the deployed pool's protection against users changing their own
 * tenant), only the schema's Mutable flag. So local users get their tenant when they are created and
 * keep it.
 */
public final class LocalCognito implements AutoCloseable {

  public static final List<String> GROUPS = List.of("practitioner", "non-practitioner", "auditor");
  /** The tenant of every local user (used when multi-tenancy is on). */
  public static final String LOCAL_TENANT = "local";
  static final String TENANT_ATTRIBUTE = "custom:tenantId";
  /** As FhirService's app client: users may change their email, nothing else. */
  static final List<String> WRITE_ATTRIBUTES = List.of("email");
  static final List<String> READ_ATTRIBUTES = List.of(TENANT_ATTRIBUTE, "email", "email_verified");
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
          if (hasTenants(client, poolId)) {
            return new LocalCognito(client, poolId, clientId, passwords);
          }
          // Made by an earlier fwoa:run without tenants: replaced below, so that multi-tenancy works.
        } catch (CognitoIdentityProviderException gone) {
          // cognito-local lost its data: set up a new pool below.
        }
      }
      String poolId = client.createUserPool(b -> b.poolName("fwoa-local").schema(
          SchemaAttributeType.builder().name("tenantId").attributeDataType(AttributeDataType.STRING).mutable(false)
              .stringAttributeConstraints(c -> c.maxLength("64")).build())).userPool().id();
      String clientId = client.createUserPoolClient(b -> b.userPoolId(poolId).clientName("fwoa-local")
          .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH, ExplicitAuthFlowsType.ALLOW_REFRESH_TOKEN_AUTH)
          .writeAttributes(WRITE_ATTRIBUTES).readAttributes(READ_ATTRIBUTES))
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
                AttributeType.builder().name("email_verified").value("true").build(),
                AttributeType.builder().name(TENANT_ATTRIBUTE).value(LOCAL_TENANT).build()));
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

  private static boolean hasTenants(CognitoIdentityProviderClient client, String poolId) {
    return client.describeUserPool(b -> b.userPoolId(poolId)).userPool().schemaAttributes().stream()
        .anyMatch(a -> TENANT_ATTRIBUTE.equals(a.name()) && !Boolean.TRUE.equals(a.mutable()));
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
    return signIn(user).idToken();
  }

  /** Signs a local user in (USER_PASSWORD_AUTH): ID, access and refresh token. */
  public AuthenticationResultType signIn(String user) {
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
        .authenticationResult();
  }

  /** Creates an extra user of the local tenant in the given groups (none for a user without access). */
  public String createUser(String username, String password, List<String> groups) {
    client.adminCreateUser(b -> b.userPoolId(poolId).username(username).messageAction(MessageActionType.SUPPRESS)
        .userAttributes(AttributeType.builder().name(TENANT_ATTRIBUTE).value(LOCAL_TENANT).build()));
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
