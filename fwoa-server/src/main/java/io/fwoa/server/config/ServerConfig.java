package io.fwoa.server.config;

import java.util.Map;
import java.util.Optional;

/**
 * Runtime settings, read from the environment variables that fwoa-constructs sets on the
 * function. Names follow FWoA's where FWoA had the setting, so operators find them again.
 */
public record ServerConfig(
    String logLevel,
    boolean multiTenancy,
    Optional<String> issuerEndpoint,
    Optional<String> oAuth2ApiEndpoint,
    Optional<String> patientPickerEndpoint) {

  public static final String LOG_LEVEL = "LOG_LEVEL";
  public static final String ENABLE_MULTI_TENANCY = "ENABLE_MULTI_TENANCY";
  public static final String ISSUER_ENDPOINT = "ISSUER_ENDPOINT";
  public static final String OAUTH2_API_ENDPOINT = "OAUTH2_API_ENDPOINT";
  public static final String PATIENT_PICKER_ENDPOINT = "PATIENT_PICKER_ENDPOINT";

  public static ServerConfig fromEnvironment(Map<String, String> env) {
    return new ServerConfig(
        env.getOrDefault(LOG_LEVEL, "error"),
        Boolean.parseBoolean(env.getOrDefault(ENABLE_MULTI_TENANCY, "false")),
        nonBlank(env.get(ISSUER_ENDPOINT)),
        nonBlank(env.get(OAUTH2_API_ENDPOINT)),
        nonBlank(env.get(PATIENT_PICKER_ENDPOINT)));
  }

  /** SMART on FHIR is on when the deployment configured an authorization server. */
  public boolean smart() {
    return oAuth2ApiEndpoint.isPresent();
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
