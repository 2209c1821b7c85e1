package io.fwoa.engine.cognito;

import io.fwoa.engine.aws.AwsCallException;
import io.fwoa.engine.aws.AwsSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminGetUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.GroupType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InitiateAuthResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

/**
 * The Cognito calls the user goals make on one user pool, through the session's client (region,
 * credentials, profile and the SDK's endpoint resolution, so AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
 * works) and its retrying call runner. Passwords are handed to the SDK only.
 */
final class CognitoPool {

  static final String SERVICE = "Cognito";

  private final AwsSession session;
  private final String poolId;

  CognitoPool(AwsSession session, String poolId) {
    this.session = session;
    this.poolId = poolId;
  }

  String id() {
    return poolId;
  }

  private CognitoIdentityProviderClient client() {
    // The URL connection client has no wire log: with Apache's client, 'mvn -X' would print the
    // request bodies, passwords included.
    return session.client(CognitoIdentityProviderClient.class,
        () -> CognitoIdentityProviderClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()));
  }

  private <T> T call(String operation, Supplier<T> call) {
    return session.calls().call(SERVICE, operation, call);
  }

  UserPoolType describe() {
    try {
      return call("DescribeUserPool", () -> client().describeUserPool(r -> r.userPoolId(poolId))).userPool();
    } catch (AwsCallException e) {
      if ("ResourceNotFoundException".equals(e.errorCode())) {
        throw new CognitoUserException("User pool " + poolId + " does not exist in " + session.target().region()
            + " (" + e.errorMessage() + "). Deploy with 'mvn fwoa:deploy', or check -Dfwoa.stage, -Dfwoa.region and "
            + "the pool id.", e);
      }
      throw e;
    }
  }

  Optional<AdminGetUserResponse> user(String username) {
    try {
      return Optional.of(call("AdminGetUser", () -> client().adminGetUser(r -> r.userPoolId(poolId).username(username))));
    } catch (AwsCallException e) {
      if ("UserNotFoundException".equals(e.errorCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Users whose email attribute is exactly this address. */
  List<UserType> usersWithEmail(String email) {
    String filter = "email = \"" + email.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    return call("ListUsers", () -> client().listUsers(r -> r.userPoolId(poolId).filter(filter))).users();
  }

  /** Creates a user without sending Cognito's invitation (the goal sets the password itself). */
  void create(String username, Map<String, String> attributes) {
    List<AttributeType> attrs = new ArrayList<>();
    attributes.forEach((k, v) -> attrs.add(AttributeType.builder().name(k).value(v).build()));
    call("AdminCreateUser", () -> client().adminCreateUser(r -> r.userPoolId(poolId).username(username)
        .messageAction(MessageActionType.SUPPRESS).userAttributes(attrs)));
  }

  void updateAttributes(String username, Map<String, String> attributes) {
    List<AttributeType> attrs = new ArrayList<>();
    attributes.forEach((k, v) -> attrs.add(AttributeType.builder().name(k).value(v).build()));
    call("AdminUpdateUserAttributes", () -> client().adminUpdateUserAttributes(r -> r.userPoolId(poolId)
        .username(username).userAttributes(attrs)));
  }

  /** Sets a permanent password: the user is CONFIRMED and signs in without a forced change. */
  void setPermanentPassword(String username, Secret password) {
    call("AdminSetUserPassword", () -> client().adminSetUserPassword(r -> r.userPoolId(poolId).username(username)
        .password(password.reveal()).permanent(true)));
  }

  void confirmSignUp(String username) {
    call("AdminConfirmSignUp", () -> client().adminConfirmSignUp(r -> r.userPoolId(poolId).username(username)));
  }

  void delete(String username) {
    call("AdminDeleteUser", () -> client().adminDeleteUser(r -> r.userPoolId(poolId).username(username)));
  }

  List<String> groupsOf(String username) {
    List<String> groups = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page = call("AdminListGroupsForUser", () -> client().adminListGroupsForUser(r -> r.userPoolId(poolId)
          .username(username).nextToken(next)));
      page.groups().stream().map(GroupType::groupName).forEach(groups::add);
      token = page.nextToken();
    } while (token != null);
    return groups;
  }

  void addToGroup(String username, String group) {
    call("AdminAddUserToGroup", () -> client().adminAddUserToGroup(r -> r.userPoolId(poolId).username(username)
        .groupName(group)));
  }

  void removeFromGroup(String username, String group) {
    call("AdminRemoveUserFromGroup", () -> client().adminRemoveUserFromGroup(r -> r.userPoolId(poolId)
        .username(username).groupName(group)));
  }

  /** What signing in with a password gave. */
  sealed interface SignIn permits Tokens, Challenge, Rejected {}

  record Tokens(String idToken) implements SignIn {}

  /** Cognito wants more than a password (a new password, an MFA code, ...). */
  record Challenge(String name) implements SignIn {}

  /** Wrong password (or, as Cognito says for unknown users with existence errors hidden, no such user). */
  record Rejected(String message) implements SignIn {}

  /** Signs in through the app client with USER_PASSWORD_AUTH, as a user or script would. */
  SignIn signIn(String clientId, String username, Secret password) {
    InitiateAuthResponse response;
    try {
      response = call("InitiateAuth", () -> client().initiateAuth(r -> r.clientId(clientId)
          .authFlow(AuthFlowType.USER_PASSWORD_AUTH)
          .authParameters(Map.of("USERNAME", username, "PASSWORD", password.reveal()))));
    } catch (AwsCallException e) {
      // AWS answers a wrong password with NotAuthorizedException; cognito-local with InvalidPasswordException.
      if ("NotAuthorizedException".equals(e.errorCode()) || "InvalidPasswordException".equals(e.errorCode())) {
        return new Rejected(e.errorMessage());
      }
      if ("PasswordResetRequiredException".equals(e.errorCode())) {
        return new Challenge("PASSWORD_RESET_REQUIRED");
      }
      if ("UserNotConfirmedException".equals(e.errorCode())) {
        return new Challenge("USER_NOT_CONFIRMED");
      }
      throw e;
    }
    if (response.authenticationResult() != null && response.authenticationResult().idToken() != null) {
      return new Tokens(response.authenticationResult().idToken());
    }
    return new Challenge(response.challengeNameAsString());
  }
}
