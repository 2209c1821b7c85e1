package io.fwoa.engine.cognito;

import io.fwoa.engine.aws.AwsCallException;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.log.EngineLog;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminGetUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;

/**
 * fwoa:provision-user's engine, FWoA's scripts/provision-user.py done safely: creates a user in the
 * FHIR service's user pool (email, email_verified and custom:tenantId as FWoA set them), puts it in
 * one of FWoA's groups, sets a permanent password, signs in through the app client and returns the
 * ID token. Running it again is safe: an existing user is re-added to the group (and taken out of
 * the other FWoA groups), its password changes only when a reset is asked for, and otherwise the
 * given password must sign in. Nothing is changed before the password has passed the pool's policy,
 * and a new user whose setup fails half-way is deleted again.
 */
public final class UserProvisioner {

  /** FWoA's role groups, the only groups the FHIR server's access control knows. */
  public static final List<String> GROUPS = List.of("practitioner", "non-practitioner", "auditor");

  /** FWoA's provision-user.py used this tenant for its user. */
  public static final String DEFAULT_TENANT = "tenant1";

  static final String TENANT_ATTRIBUTE = "custom:tenantId";

  /** Cognito usernames: no whitespace; with email as a sign-in alias (fwoa's pools) not an email address. */
  private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}&&[^@]]{1,128}");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * @param username the user's name in the pool
   * @param group one of {@link #GROUPS}
   * @param email the email attribute; null: {@code <username>@example.com} for a new user, unchanged for an existing one
   * @param tenantId custom:tenantId; null: {@value #DEFAULT_TENANT} for a new user, unchanged for an existing one
   * @param password the password to set or sign in with; null to generate one (new user or reset)
   * @param resetPassword set the password of an existing user (to the given one, or a generated one)
   */
  public record Request(String username, String group, String email, String tenantId, Secret password,
      boolean resetPassword) {}

  /**
   * @param username the user
   * @param created whether the user was created by this run
   * @param generatedPassword the password this run generated and set (print it once), or null
   * @param changes what this run changed, in words
   * @param token the ID token from signing in
   */
  public record Result(String username, boolean created, Secret generatedPassword, List<String> changes, IdToken token) {}

  private final AwsSession session;
  private final EngineLog log;
  private final SecureRandom random;

  public UserProvisioner(AwsSession session, EngineLog log) {
    this(session, log, new SecureRandom());
  }

  UserProvisioner(AwsSession session, EngineLog log, SecureRandom random) {
    this.session = session;
    this.log = log;
    this.random = random;
  }

  /** Checks what can be checked without AWS: username, group, email and tenant syntax. */
  public static void validate(Request request) {
    validateUsername(request.username());
    if (!GROUPS.contains(request.group())) {
      throw new CognitoUserException("'" + request.group() + "' is not a fwoa group. Valid groups: "
          + String.join(", ", GROUPS) + " (fix -Dfwoa.group=).");
    }
    if (request.email() != null) {
      Emails.validate(request.email());
    }
    if (request.tenantId() != null && !TENANT.matcher(request.tenantId()).matches()) {
      throw new CognitoUserException("'" + request.tenantId() + "' is not a valid tenant id: 1-64 letters, digits, '_' "
          + "or '-' (fix -Dfwoa.tenantId=).");
    }
  }

  static void validateUsername(String username) {
    if (username == null || username.isBlank()) {
      throw new CognitoUserException("A username is required (-Dfwoa.username=).");
    }
    if (username.contains("@")) {
      throw new CognitoUserException("'" + username + "' looks like an email address. fwoa's user pools use email as a "
          + "sign-in alias, so Cognito rejects email addresses as usernames: choose a plain name with -Dfwoa.username= "
          + "(the user can still sign in with the email address).");
    }
    if (!USERNAME.matcher(username).matches()) {
      throw new CognitoUserException("'" + username + "' is not a valid Cognito username: 1-128 characters, no spaces "
          + "(fix -Dfwoa.username=).");
    }
  }

  public Result provision(UserPoolRef pool, Request request) {
    validate(request);
    CognitoPool cognito = new CognitoPool(session, pool.userPoolId());
    UserPoolType description = cognito.describe();
    PasswordRules rules = PasswordRules.of(description.policies() == null ? null : description.policies().passwordPolicy());
    boolean tenantAttribute = description.schemaAttributes().stream().anyMatch(a -> TENANT_ATTRIBUTE.equals(a.name()));
    if (request.tenantId() != null && !tenantAttribute) {
      throw new CognitoUserException("User pool " + pool.userPoolId() + " has no " + TENANT_ATTRIBUTE
          + " attribute, so -Dfwoa.tenantId cannot be set.");
    }

    Optional<AdminGetUserResponse> existing = cognito.user(request.username());
    if (request.password() != null && (existing.isEmpty() || request.resetPassword())) {
      // Only a password that is about to be set must meet the policy (an old one may predate it).
      requireAcceptable(rules, request.password());
    }
    return existing.isEmpty()
        ? create(cognito, pool, request, rules, tenantAttribute)
        : update(cognito, pool, request, rules, existing.get());
  }

  private Result create(CognitoPool cognito, UserPoolRef pool, Request request, PasswordRules rules,
      boolean tenantAttribute) {
    Secret generated = request.password() == null ? rules.generate(random) : null;
    Secret password = generated != null ? generated : request.password();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("email", request.email() != null ? request.email() : placeholderEmail(request.username()));
    attributes.put("email_verified", "true");
    if (tenantAttribute) {
      attributes.put(TENANT_ATTRIBUTE, request.tenantId() != null ? request.tenantId() : DEFAULT_TENANT);
    }
    List<String> changes = new ArrayList<>();
    try {
      cognito.create(request.username(), attributes);
    } catch (AwsCallException e) {
      throw explain(e, rules, request);
    }
    try {
      cognito.setPermanentPassword(request.username(), password);
      addToGroup(cognito, request.username(), request.group());
    } catch (RuntimeException e) {
      // Leave the pool as it was: a user without its password or group would only confuse the next run.
      try {
        cognito.delete(request.username());
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e instanceof AwsCallException ace ? explain(ace, rules, request) : e;
    }
    changes.add("created user " + request.username() + " (" + attributesText(attributes) + ")");
    changes.add("set a permanent password" + (generated != null ? " (generated)" : ""));
    changes.add("added to group " + request.group());
    IdToken token = signIn(cognito, pool, request.username(), password);
    return new Result(request.username(), true, generated, changes, token);
  }

  private Result update(CognitoPool cognito, UserPoolRef pool, Request request, PasswordRules rules,
      AdminGetUserResponse user) {
    String username = request.username();
    if (Boolean.FALSE.equals(user.enabled())) {
      throw new CognitoUserException("User " + username + " exists but is disabled. Enable it first (aws cognito-idp "
          + "admin-enable-user --user-pool-id " + pool.userPoolId() + " --username " + username + ").");
    }
    if (!request.resetPassword() && request.password() == null) {
      throw new CognitoUserException("User " + username + " already exists in " + pool.userPoolId() + " and its password "
          + "was not given, so no token can be issued. Give the password (-Dfwoa.password, the FWOA_PASSWORD environment "
          + "variable or -Dfwoa.serverId=<settings.xml server>), or set a new one with -Dfwoa.resetPassword=true.");
    }
    List<String> changes = new ArrayList<>();
    Secret generated = null;
    Secret password = request.password();
    IdToken token = null;
    if (request.resetPassword()) {
      generated = password == null ? rules.generate(random) : null;
      password = generated != null ? generated : password;
      try {
        cognito.setPermanentPassword(username, password);
      } catch (AwsCallException e) {
        throw explain(e, rules, request);
      }
      changes.add("reset the password" + (generated != null ? " (generated)" : "") + " (-Dfwoa.resetPassword=true)");
    } else {
      // Check the password before changing anything else.
      token = signIn(cognito, pool, username, password);
    }
    int changesBefore = changes.size();

    Map<String, String> current = new LinkedHashMap<>();
    for (AttributeType a : user.userAttributes()) {
      current.put(a.name(), a.value());
    }
    Map<String, String> updates = new LinkedHashMap<>();
    if (request.email() != null && !request.email().equals(current.get("email"))) {
      updates.put("email", request.email());
      updates.put("email_verified", "true");
    }
    if (request.tenantId() != null && !request.tenantId().equals(current.get(TENANT_ATTRIBUTE))) {
      updates.put(TENANT_ATTRIBUTE, request.tenantId());
    }
    if (!updates.isEmpty()) {
      cognito.updateAttributes(username, updates);
      changes.add("updated " + attributesText(updates));
    }

    List<String> groups = cognito.groupsOf(username);
    if (!groups.contains(request.group())) {
      addToGroup(cognito, username, request.group());
      changes.add("added to group " + request.group());
    } else {
      // Cognito's AdminAddUserToGroup is idempotent; re-adding repairs nothing, so only say it is there.
      log.debug("User " + username + " is already in group " + request.group());
    }
    for (String other : groups) {
      if (!other.equals(request.group()) && GROUPS.contains(other)) {
        cognito.removeFromGroup(username, other);
        changes.add("removed from group " + other);
      }
    }
    if (token == null || changes.size() > changesBefore) {
      // Groups and attributes are claims of the token: sign in again after changing them.
      token = signIn(cognito, pool, username, password);
    }
    return new Result(username, false, generated, changes, token);
  }

  private void addToGroup(CognitoPool cognito, String username, String group) {
    try {
      cognito.addToGroup(username, group);
    } catch (AwsCallException e) {
      if ("ResourceNotFoundException".equals(e.errorCode())) {
        throw new CognitoUserException("User pool " + cognito.id() + " has no group '" + group + "' (" + e.errorMessage()
            + "). fwoa deploys the groups " + String.join(", ", GROUPS) + "; is this pool a fwoa deployment?", e);
      }
      throw e;
    }
  }

  /** Signs in through the app client, as a user or script would. */
  private IdToken signIn(CognitoPool cognito, UserPoolRef pool, String username, Secret password) {
    CognitoPool.SignIn result = cognito.signIn(pool.appClientId(), username, password);
    if (result instanceof CognitoPool.Tokens tokens) {
      return IdToken.parse(tokens.idToken());
    }
    if (result instanceof CognitoPool.Rejected rejected) {
      throw new CognitoUserException("The password given for user " + username + " does not sign in (" + rejected.message()
          + "). Give its current password, or set a new one with -Dfwoa.resetPassword=true.");
    }
    String challenge = ((CognitoPool.Challenge) result).name();
    throw new CognitoUserException(switch (challenge) {
      case "NEW_PASSWORD_REQUIRED", "PASSWORD_RESET_REQUIRED" -> "User " + username + " must choose a new password "
          + "before signing in (" + challenge + "). Set one with -Dfwoa.resetPassword=true.";
      case "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "SELECT_MFA_TYPE", "MFA_SETUP" -> "User " + username
          + " signs in with multi-factor authentication (" + challenge + "), which a build cannot answer. Use a user "
          + "without MFA for scripts, or sign in interactively.";
      default -> "Signing in as " + username + " needs more than a password (Cognito challenge " + challenge + ").";
    });
  }

  static RuntimeException explain(AwsCallException e, PasswordRules rules, Request request) {
    return switch (e.errorCode()) {
      case "InvalidPasswordException" -> new CognitoUserException("The user pool rejected the password: "
          + e.errorMessage() + ". The pool's rule: " + rules.describe() + ".", e);
      case "AliasExistsException" -> new CognitoUserException("Another user of the pool already has the email address "
          + "given for " + request.username() + " (" + e.errorMessage() + "); use a different -Dfwoa.email=.", e);
      case "InvalidParameterException" -> new CognitoUserException("Cognito rejected the user: " + e.errorMessage(), e);
      default -> e;
    };
  }

  static void requireAcceptable(PasswordRules rules, Secret password) {
    List<String> problems = rules.violations(password);
    if (!problems.isEmpty()) {
      throw new CognitoUserException("The password from " + password.origin() + " does not meet the user pool's "
          + "password policy (" + String.join("; ", problems) + "). The pool requires " + rules.describe()
          + ". Fix it, or give no password to have one generated. Nothing was changed.");
    }
  }

  /**
   * FWoA gave its user a dummy address; a per-user one at the reserved example.com domain keeps two
   * users from claiming the same verified email alias. Mail to it goes nowhere.
   */
  static String placeholderEmail(String username) {
    String local = username.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._+-]", "-").replaceAll("^[.]+|[.]+$", "")
        .replaceAll("[.]{2,}", ".");
    return (local.isEmpty() ? "user" : local.length() > 64 ? local.substring(0, 64) : local) + "@example.com";
  }

  private static String attributesText(Map<String, String> attributes) {
    List<String> parts = new ArrayList<>();
    attributes.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }
}
