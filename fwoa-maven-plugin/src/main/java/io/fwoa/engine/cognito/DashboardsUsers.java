package io.fwoa.engine.cognito;

import io.fwoa.constructs.FhirOutputs;
import io.fwoa.engine.aws.AwsCallException;
import io.fwoa.engine.aws.AwsSession;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminGetUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

/**
 * fwoa:dashboards-user's engine: a confirmed user with a verified email address in the OpenSearch
 * Dashboards user pool of the dev stage (FWoA's Kibana user).
 *
 * <p>FWoA documented {@code aws cognito-idp sign-up} followed by {@code admin-confirm-sign-up}. The
 * Dashboards pool fwoa deploys has self sign-up turned off on purpose (anyone who can read the
 * public app client id could otherwise create a Dashboards account), so SignUp is refused there;
 * FWoA's own pool was admin-create-only too, which is why its documented sign-up failed. This engine
 * reaches the same end state with administrator calls only: AdminCreateUser (no invitation sent)
 * with the email and {@code email_verified=true}, then a permanent password, which makes the user
 * CONFIRMED exactly as admin-confirm-sign-up did. A user who did sign up and is still UNCONFIRMED is
 * confirmed with AdminConfirmSignUp. The pool uses email as a sign-in alias, so Cognito rejects an
 * email address as the username: the username is the part before the '@' (or -Dfwoa.username) and
 * the user signs in to Dashboards with the email address.
 */
public final class DashboardsUsers {

  /**
   * @param email the user's address (required; the Dashboards sign-in name)
   * @param username null to derive it from the email address
   * @param password null to generate one for a new user (or a reset)
   * @param resetPassword set the password of an existing user
   */
  public record Request(String email, String username, Secret password, boolean resetPassword) {}

  /**
   * @param username the user's name in the pool
   * @param email the sign-in address
   * @param created whether this run created the user
   * @param generatedPassword the password this run generated and set (print it once), or null
   * @param changes what this run changed, in words (empty: nothing to do)
   * @param dashboardsUrl the Dashboards URL from the stack outputs
   */
  public record Result(String username, String email, boolean created, Secret generatedPassword, List<String> changes,
      Optional<String> dashboardsUrl) {}

  private final AwsSession session;
  private final SecureRandom random;

  public DashboardsUsers(AwsSession session) {
    this(session, new SecureRandom());
  }

  DashboardsUsers(AwsSession session, SecureRandom random) {
    this.session = session;
    this.random = random;
  }

  /** Checks without AWS: the email is required and valid, a given username is valid. */
  public static void validate(Request request) {
    Emails.validate(request.email());
    if (request.username() != null) {
      UserProvisioner.validateUsername(request.username());
    }
  }

  /** The username for an email address: its local part, with characters Cognito may not like replaced. */
  static String usernameFor(String email) {
    String local = email.substring(0, email.indexOf('@')).replaceAll("[^A-Za-z0-9._-]", "_");
    return local.length() > 64 ? local.substring(0, 64) : local;
  }

  public Result ensure(UserPoolRef pool, Request request) {
    validate(request);
    CognitoPool cognito = new CognitoPool(session, pool.userPoolId());
    UserPoolType description = cognito.describe();
    PasswordRules rules = PasswordRules.of(description.policies() == null ? null : description.policies().passwordPolicy());
    Optional<String> url = pool.output(FhirOutputs.DASHBOARDS_ENDPOINT);

    String username = findExisting(cognito, request);
    if (request.password() != null && (username == null || request.resetPassword())) {
      // Only a password that is about to be set must meet the policy.
      UserProvisioner.requireAcceptable(rules, request.password());
    }
    if (username == null) {
      return create(cognito, pool, request, rules, url);
    }
    AdminGetUserResponse user = cognito.user(username).orElseThrow();
    Map<String, String> attributes = new LinkedHashMap<>();
    for (AttributeType a : user.userAttributes()) {
      attributes.put(a.name(), a.value());
    }
    List<String> changes = new ArrayList<>();
    if (Boolean.FALSE.equals(user.enabled())) {
      throw new CognitoUserException("Dashboards user " + username + " exists but is disabled. Enable it first (aws "
          + "cognito-idp admin-enable-user --user-pool-id " + pool.userPoolId() + " --username " + username + ").");
    }
    if ("UNCONFIRMED".equals(user.userStatusAsString())) {
      cognito.confirmSignUp(username);
      changes.add("confirmed the sign-up (admin-confirm-sign-up)");
    }
    if (!"true".equals(attributes.get("email_verified"))) {
      // With the address in the same call, so Cognito sends no verification code for it.
      Map<String, String> verified = new LinkedHashMap<>();
      verified.put("email", attributes.getOrDefault("email", request.email()));
      verified.put("email_verified", "true");
      cognito.updateAttributes(username, verified);
      changes.add("marked " + request.email() + " as verified, so it works as the sign-in name");
    }
    Secret generated = null;
    if (request.resetPassword()) {
      generated = request.password() == null ? rules.generate(random) : null;
      Secret password = generated != null ? generated : request.password();
      setPassword(cognito, username, password, rules, request);
      changes.add("reset the password" + (generated != null ? " (generated)" : "") + " (-Dfwoa.resetPassword=true)");
      requireSignIn(cognito, pool, username, password);
    } else if (request.password() != null) {
      requireSignIn(cognito, pool, username, request.password());
    }
    return new Result(username, request.email(), false, generated, changes, url);
  }

  /** The existing user for this email (or username), or null; refuses ambiguous or conflicting matches. */
  private static String findExisting(CognitoPool cognito, Request request) {
    List<UserType> byEmail = cognito.usersWithEmail(request.email());
    if (byEmail.size() > 1) {
      throw new CognitoUserException("Several Dashboards users have the email " + request.email() + " ("
          + String.join(", ", byEmail.stream().map(UserType::username).toList()) + "); pick one with -Dfwoa.username=.");
    }
    String requested = request.username();
    if (byEmail.size() == 1) {
      String found = byEmail.get(0).username();
      if (requested != null && !requested.equals(found)) {
        throw new CognitoUserException("The email " + request.email() + " belongs to Dashboards user " + found + ", not "
            + requested + ". Leave -Dfwoa.username unset to use " + found + ", or use another email.");
      }
      return found;
    }
    String name = requested != null ? requested : usernameFor(request.email());
    Optional<AdminGetUserResponse> byName = cognito.user(name);
    if (byName.isPresent()) {
      String email = byName.get().userAttributes().stream().filter(a -> "email".equals(a.name()))
          .map(AttributeType::value).findFirst().orElse("no email");
      throw new CognitoUserException("The Dashboards username " + name + " is taken by a user with " + email
          + ". Choose another username with -Dfwoa.username=.");
    }
    return null;
  }

  private Result create(CognitoPool cognito, UserPoolRef pool, Request request, PasswordRules rules, Optional<String> url) {
    String username = request.username() != null ? request.username() : usernameFor(request.email());
    Secret generated = request.password() == null ? rules.generate(random) : null;
    Secret password = generated != null ? generated : request.password();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("email", request.email());
    attributes.put("email_verified", "true");
    try {
      cognito.create(username, attributes);
    } catch (AwsCallException e) {
      throw explain(e, rules, request);
    }
    try {
      setPassword(cognito, username, password, rules, request);
    } catch (RuntimeException e) {
      try {
        cognito.delete(username);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    List<String> changes = new ArrayList<>();
    changes.add("created user " + username + " with email " + request.email() + " (verified)");
    changes.add("set a permanent password" + (generated != null ? " (generated)" : "") + ": the user is confirmed");
    requireSignIn(cognito, pool, username, password);
    return new Result(username, request.email(), true, generated, changes, url);
  }

  private static void setPassword(CognitoPool cognito, String username, Secret password, PasswordRules rules,
      Request request) {
    try {
      cognito.setPermanentPassword(username, password);
    } catch (AwsCallException e) {
      throw explain(e, rules, request);
    }
  }

  /** Proves the user can sign in through the Dashboards app client with this password. */
  private static void requireSignIn(CognitoPool cognito, UserPoolRef pool, String username, Secret password) {
    CognitoPool.SignIn result = cognito.signIn(pool.appClientId(), username, password);
    if (result instanceof CognitoPool.Rejected rejected) {
      throw new CognitoUserException("The password given for Dashboards user " + username + " does not sign in ("
          + rejected.message() + "). Give its current password, or set a new one with -Dfwoa.resetPassword=true.");
    }
    if (result instanceof CognitoPool.Challenge challenge && !challenge.name().endsWith("MFA")
        && !"MFA_SETUP".equals(challenge.name()) && !"SELECT_MFA_TYPE".equals(challenge.name())) {
      // An MFA challenge means the password is right; Dashboards asks for the code in the browser.
      throw new CognitoUserException("Dashboards user " + username + " cannot sign in with this password yet (Cognito "
          + "challenge " + challenge.name() + "). Set a new password with -Dfwoa.resetPassword=true.");
    }
  }

  private static RuntimeException explain(AwsCallException e, PasswordRules rules, Request request) {
    return switch (e.errorCode()) {
      case "InvalidPasswordException" -> new CognitoUserException("The Dashboards user pool rejected the password: "
          + e.errorMessage() + ". The pool's rule: " + rules.describe() + ".", e);
      case "AliasExistsException" -> new CognitoUserException("Another Dashboards user already has the email "
          + request.email() + " (" + e.errorMessage() + ").", e);
      case "InvalidParameterException" -> new CognitoUserException("Cognito rejected the user: " + e.errorMessage(), e);
      default -> e;
    };
  }
}
