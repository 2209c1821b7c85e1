package io.fwoa.engine.aws;

import java.util.Optional;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/** How to log in, worded for the kind of profile in use (SSO, credential process, access keys). */
public final class LoginAdvice {

  private LoginAdvice() {}

  /** Instructions for obtaining valid credentials for the target's profile. */
  public static String forTarget(AwsTarget target) {
    String name = target.effectiveProfile();
    String flag = target.profile() != null ? " -Dfwoa.profile=" + name : "";
    Optional<Profile> profile = profile(name);
    if (profile.isPresent() && isSso(profile.get())) {
      return "Profile '" + name + "' uses AWS IAM Identity Center (SSO): log in with 'aws sso login --profile " + name
          + "', then run the goal again" + (flag.isEmpty() ? " (with -Dfwoa.profile=" + name + " or AWS_PROFILE=" + name + ")" : "") + ".";
    }
    if (profile.isPresent() && profile.get().property("credential_process").isPresent()) {
      return "Profile '" + name + "' gets credentials from a credential_process: check that the command works and "
          + "that you are logged in to the tool it runs, then run the goal again.";
    }
    if (profile.isPresent() && profile.get().property("role_arn").isPresent()) {
      String source = profile.get().property("source_profile").orElse("its source profile");
      return "Profile '" + name + "' assumes role " + profile.get().property("role_arn").get() + ": refresh the "
          + "credentials of " + source + " (for SSO: 'aws sso login --profile " + source + "'), then run the goal again.";
    }
    String missing = target.profile() != null && profile.isEmpty()
        ? "There is no profile '" + name + "' in ~/.aws/config or ~/.aws/credentials. " : "";
    return missing + "To log in, either:\n"
        + "  - IAM Identity Center (SSO): 'aws configure sso --profile <name>' once, then 'aws sso login --profile <name>',"
        + " and pass -Dfwoa.profile=<name> (or set AWS_PROFILE=<name>);\n"
        + "  - access keys: 'aws configure --profile <name>' and pass -Dfwoa.profile=<name>, or set AWS_ACCESS_KEY_ID,"
        + " AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys) in the environment.";
  }

  static boolean isSso(Profile profile) {
    return profile.property("sso_session").isPresent() || profile.property("sso_start_url").isPresent();
  }

  private static Optional<Profile> profile(String name) {
    try {
      return ProfileFile.defaultProfileFile().profile(name);
    } catch (RuntimeException e) {
      // A malformed config file: the advice falls back to the generic wording.
      return Optional.empty();
    }
  }
}
