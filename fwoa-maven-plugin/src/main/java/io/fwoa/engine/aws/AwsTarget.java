package io.fwoa.engine.aws;

import java.util.Objects;

/**
 * Where and as whom the engine calls AWS.
 *
 * @param region AWS region code, for example us-west-2
 * @param profile named profile from ~/.aws/config or ~/.aws/credentials (also SSO profiles), or
 *     null for the SDK's default credentials chain (which itself honours AWS_PROFILE)
 */
public record AwsTarget(String region, String profile) {

  public AwsTarget {
    Objects.requireNonNull(region, "region");
    profile = profile == null || profile.isBlank() ? null : profile.trim();
  }

  /** The profile the SDK will read: fwoa.profile, else AWS_PROFILE, else "default". */
  public String effectiveProfile() {
    if (profile != null) {
      return profile;
    }
    String env = System.getenv("AWS_PROFILE");
    if (env != null && !env.isBlank()) {
      return env;
    }
    String prop = System.getProperty("aws.profile");
    return prop == null || prop.isBlank() ? "default" : prop;
  }
}
