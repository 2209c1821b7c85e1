package io.fwoa.maven;

import io.fwoa.engine.cognito.CognitoUserException;
import io.fwoa.engine.cognito.Secret;
import java.util.function.Function;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * The user goals (provision-user, dashboards-user): where the user's password comes from, and how
 * the Cognito engine's failures become Maven failures.
 *
 * <p>The password is taken, in this order, from the {@code fwoa.password} user property (command
 * line only), from the settings.xml server named by {@code fwoa.serverId} (its password, decrypted
 * with Maven's settings-security if encrypted), from the {@value #PASSWORD_ENV} environment variable;
 * without any of them the engine generates one that satisfies the pool's policy and the goal prints it
 * once. {@code fwoa.password} is deliberately not a mojo parameter: Maven's debug output (-X) prints
 * every parameter's value, and a POM is no place for a password.
 */
public abstract class AbstractUserMojo extends AbstractAwsMojo {

  /** User property with the password (command line only). */
  static final String PASSWORD_PROPERTY = "fwoa.password";

  /** Environment variable with the password. */
  static final String PASSWORD_ENV = "FWOA_PASSWORD";

  /**
   * Id of a settings.xml server whose password (encrypted with 'mvn --encrypt-password' or plain) is
   * the user's password. The password itself can also come from -Dfwoa.password (command line only) or
   * the FWOA_PASSWORD environment variable; without any, one is generated and printed once.
   */
  @Parameter(property = "fwoa.serverId")
  protected String serverId;

  /**
   * Set the password of a user that already exists (to the given password, or a generated one).
   * Without it an existing user's password is never changed.
   */
  @Parameter(property = "fwoa.resetPassword", defaultValue = "false")
  protected boolean resetPassword;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  protected MavenSession mavenSession;

  @Component
  protected SettingsDecrypter settingsDecrypter;

  /** The process environment; tests replace it. */
  Function<String, String> environment = System::getenv;

  /**
   * The password the user gave, or null to have one generated.
   *
   * @throws MojoFailureException for an unknown server id or a server entry that cannot be decrypted
   */
  protected Secret password() throws MojoFailureException {
    String property = mavenSession == null ? null : mavenSession.getUserProperties().getProperty(PASSWORD_PROPERTY);
    if (property != null && !property.isEmpty()) {
      return Secret.of(property, "-D" + PASSWORD_PROPERTY);
    }
    if (serverId != null && !serverId.isBlank()) {
      return serverPassword(serverId.trim());
    }
    String env = environment.apply(PASSWORD_ENV);
    if (env != null && !env.isEmpty()) {
      return Secret.of(env, "the " + PASSWORD_ENV + " environment variable");
    }
    return null;
  }

  private Secret serverPassword(String id) throws MojoFailureException {
    Settings settings = mavenSession == null ? null : mavenSession.getSettings();
    Server server = settings == null ? null : settings.getServer(id);
    if (server == null) {
      throw new MojoFailureException("No <server> with id '" + id + "' in settings.xml (fix -Dfwoa.serverId=, or add "
          + "<server><id>" + id + "</id><password>...</password></server> to ~/.m2/settings.xml).");
    }
    SettingsDecryptionResult result = settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    if (!result.getProblems().isEmpty()) {
      // The problem text names the server and the security file, never the password.
      throw new MojoFailureException("Cannot decrypt the password of settings.xml server '" + id + "': "
          + result.getProblems().get(0).getMessage() + " (check ~/.m2/settings-security.xml, see "
          + "https://maven.apache.org/guides/mini/guide-encryption.html).");
    }
    String password = result.getServer().getPassword();
    if (password == null || password.isEmpty()) {
      throw new MojoFailureException("settings.xml server '" + id + "' has no <password> (fix -Dfwoa.serverId=).");
    }
    return Secret.of(password, "settings.xml server '" + id + "'");
  }

  /** Prints a generated password once, to the console only. */
  protected void printGeneratedPassword(String username, Secret generated) {
    if (generated == null) {
      return;
    }
    getLog().info("");
    getLog().info("  Password : " + generated.reveal());
    getLog().info("             (generated for " + username + "; shown only now and stored nowhere: keep it in "
        + "your password manager)");
  }

  /** Runs a check that needs no AWS, with the engine's failures translated. */
  protected void check(Runnable check) throws MojoFailureException {
    try {
      check.run();
    } catch (CognitoUserException e) {
      throw new MojoFailureException(e.getMessage());
    }
  }

  @Override
  protected Exception translate(RuntimeException e) {
    if (e instanceof CognitoUserException) {
      getLog().debug(e);
      return new MojoFailureException(e.getMessage());
    }
    return super.translate(e);
  }
}
