package io.fwoa.constructs;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SMART on FHIR authorization (as FWoA's smart-deployment): tokens come from an external OAuth2
 * authorization server and are validated by the FHIR function against its keys, instead of the
 * Cognito authorizer. All three endpoints are required and must be https URLs.
 */
public final class SmartAuth {

  public static final String ISSUER_ENDPOINT = "issuerEndpoint";
  public static final String OAUTH2_API_ENDPOINT = "oAuth2ApiEndpoint";
  public static final String PATIENT_PICKER_ENDPOINT = "patientPickerEndpoint";

  private final String issuerEndpoint;
  private final String oAuth2ApiEndpoint;
  private final String patientPickerEndpoint;

  private SmartAuth(String issuerEndpoint, String oAuth2ApiEndpoint, String patientPickerEndpoint) {
    this.issuerEndpoint = issuerEndpoint;
    this.oAuth2ApiEndpoint = oAuth2ApiEndpoint;
    this.patientPickerEndpoint = patientPickerEndpoint;
  }

  /**
   * @throws ConfigurationException naming each endpoint that is missing or not an https URL
   */
  public static SmartAuth of(String issuerEndpoint, String oAuth2ApiEndpoint, String patientPickerEndpoint) {
    List<ConfigurationException.Problem> problems = new ArrayList<>();
    check(ISSUER_ENDPOINT, issuerEndpoint, problems);
    check(OAUTH2_API_ENDPOINT, oAuth2ApiEndpoint, problems);
    check(PATIENT_PICKER_ENDPOINT, patientPickerEndpoint, problems);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new SmartAuth(trimSlash(issuerEndpoint), trimSlash(oAuth2ApiEndpoint), trimSlash(patientPickerEndpoint));
  }

  static void check(String setting, String value, List<ConfigurationException.Problem> problems) {
    if (value == null || value.isBlank()) {
      problems.add(new ConfigurationException.Problem(setting,
          "is required for a SMART on FHIR deployment (set all of issuerEndpoint, oAuth2ApiEndpoint and patientPickerEndpoint, or none)"));
      return;
    }
    try {
      URI uri = new URI(value.trim());
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        problems.add(new ConfigurationException.Problem(setting,
            "'" + value + "' must be an https:// URL (tokens and keys must never travel in clear text)"));
      }
    } catch (URISyntaxException e) {
      problems.add(new ConfigurationException.Problem(setting, "'" + value + "' is not a valid URL: " + e.getReason()));
    }
  }

  private static String trimSlash(String url) {
    String u = url.trim();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  public String getIssuerEndpoint() {
    return issuerEndpoint;
  }

  public String getOAuth2ApiEndpoint() {
    return oAuth2ApiEndpoint;
  }

  public String getPatientPickerEndpoint() {
    return patientPickerEndpoint;
  }

  /**
   * The environment variables the FHIR function reads (FWoA's names): OAUTH2_API_ENDPOINT turns SMART
   * on and gives the OAuth URIs of the CapabilityStatement. The issuer and patient picker are not
   * passed until the server uses them (SMART token validation is a later release).
   */
  Map<String, String> environment() {
    return Map.of("OAUTH2_API_ENDPOINT", oAuth2ApiEndpoint);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SmartAuth s && issuerEndpoint.equals(s.issuerEndpoint)
        && oAuth2ApiEndpoint.equals(s.oAuth2ApiEndpoint) && patientPickerEndpoint.equals(s.patientPickerEndpoint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(issuerEndpoint, oAuth2ApiEndpoint, patientPickerEndpoint);
  }
}
