package io.fwoa.constructs;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * SMART on FHIR authorization (as FWoA's smart-deployment): tokens come from an external OAuth2
 * authorization server, and the FHIR function verifies each one itself (RS256/ES256 signature
 * against the issuer's JWKS; iss, aud and exp) and enforces its SMART v1/v2 scopes, instead of a
 * Cognito user pool and authorizer. The three endpoints are required and must be https URLs; the
 * other settings are optional and default to what the server assumes (see
 * {@link #environment()}).
 *
 * <pre>
 * SmartAuth.builder()
 *     .issuerEndpoint("https://example.okta.com/oauth2/default")
 *     .oAuth2ApiEndpoint("https://example.okta.com/oauth2/default/v1")
 *     .patientPickerEndpoint("https://picker.example.com")
 *     .patientClaim("ext.launch_context.patient")
 *     .build();
 * </pre>
 */
public final class SmartAuth {

  // Setting names, as in FhirDeploymentConfig and the POM: problems name them.
  public static final String ISSUER_ENDPOINT = "issuerEndpoint";
  public static final String OAUTH2_API_ENDPOINT = "oAuth2ApiEndpoint";
  public static final String PATIENT_PICKER_ENDPOINT = "patientPickerEndpoint";
  public static final String AUDIENCE = "smartAudience";
  public static final String PATIENT_CLAIM = "smartPatientClaim";
  public static final String FHIR_USER_CLAIM = "smartFhirUserClaim";
  public static final String TENANT_CLAIM = "smartTenantClaim";
  public static final String JWKS_URI = "smartJwksUri";

  /** A claim name, or a dotted path into nested claims; the server refuses anything else. */
  private static final Pattern CLAIM_PATH = Pattern.compile("[A-Za-z0-9_:$-]+(\\.[A-Za-z0-9_:$-]+)*");

  private final String issuerEndpoint;
  private final String oAuth2ApiEndpoint;
  private final String patientPickerEndpoint;
  private final List<String> audiences;
  private final String patientClaim;
  private final String fhirUserClaim;
  private final String tenantClaim;
  private final String jwksUri;

  private SmartAuth(Builder b) {
    this.issuerEndpoint = trimSlash(b.issuerEndpoint);
    this.oAuth2ApiEndpoint = trimSlash(b.oAuth2ApiEndpoint);
    this.patientPickerEndpoint = trimSlash(b.patientPickerEndpoint);
    this.audiences = b.audiences.stream().map(String::trim).toList();
    this.patientClaim = blankToNull(b.patientClaim);
    this.fhirUserClaim = blankToNull(b.fhirUserClaim);
    this.tenantClaim = blankToNull(b.tenantClaim);
    this.jwksUri = blankToNull(b.jwksUri);
  }

  /**
   * The three endpoints only; every other setting keeps the server's default.
   *
   * @throws ConfigurationException naming each endpoint that is missing or not an https URL
   */
  public static SmartAuth of(String issuerEndpoint, String oAuth2ApiEndpoint, String patientPickerEndpoint) {
    return builder().issuerEndpoint(issuerEndpoint).oAuth2ApiEndpoint(oAuth2ApiEndpoint)
        .patientPickerEndpoint(patientPickerEndpoint).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A required endpoint: present and an https URL. */
  private static void check(String setting, String value, List<ConfigurationException.Problem> problems) {
    if (value == null || value.isBlank()) {
      problems.add(new ConfigurationException.Problem(setting,
          "is required for a SMART on FHIR deployment (set all of issuerEndpoint, oAuth2ApiEndpoint and patientPickerEndpoint, or none)"));
      return;
    }
    checkHttps(setting, value, problems);
  }

  private static void checkHttps(String setting, String value, List<ConfigurationException.Problem> problems) {
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

  private static void checkClaim(String setting, String value, List<ConfigurationException.Problem> problems) {
    if (value != null && !value.isBlank() && !CLAIM_PATH.matcher(value.trim()).matches()) {
      problems.add(new ConfigurationException.Problem(setting, "'" + value + "' is not a claim name or a dotted path "
          + "of claim names (letters, digits, _ : $ -, such as ext.launch_context.patient)"));
    }
  }

  /**
   * Audiences are not required to be URLs: authorization servers name APIs as they like (Okta's
   * default server uses {@code api://default}). They travel comma-separated, so none may hold a
   * comma, and none may be blank or hold spaces.
   */
  private static void checkAudiences(List<String> audiences, List<ConfigurationException.Problem> problems) {
    for (String a : audiences) {
      if (a == null || a.isBlank() || a.trim().contains(",") || a.trim().chars().anyMatch(Character::isWhitespace)) {
        problems.add(new ConfigurationException.Problem(AUDIENCE, "'" + a + "' is not an audience: each value must "
            + "be non-empty, without spaces or commas (separate several values with commas)"));
      }
    }
  }

  /** Splits a comma-separated audience setting ({@code smartAudience}) into its values. */
  static List<String> audiences(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return List.of();
    }
    return List.of(commaSeparated.split(",", -1));
  }

  private static String trimSlash(String url) {
    String u = url.trim();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
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

  /** Values one of which a token's {@code aud} must hold; empty: the API's base URL. */
  public List<String> getAudiences() {
    return audiences;
  }

  /** The claim holding the patient in context, or null for the server's default ({@code patient}). */
  public String getPatientClaim() {
    return patientClaim;
  }

  /** The claim holding the user's FHIR reference, or null for the server's default ({@code fhirUser}). */
  public String getFhirUserClaim() {
    return fhirUserClaim;
  }

  /** The claim holding the tenant (multi-tenancy), or null for the server's default ({@code tenantId}). */
  public String getTenantClaim() {
    return tenantClaim;
  }

  /** The issuer's keys, or null for the server's default ({@code <oAuth2ApiEndpoint>/keys}). */
  public String getJwksUri() {
    return jwksUri;
  }

  /**
   * The environment variables the FHIR function reads (FWoA's names where FWoA had the setting):
   * OAUTH2_API_ENDPOINT turns SMART on; ISSUER_ENDPOINT is the exact {@code iss} accepted;
   * PATIENT_PICKER_ENDPOINT is where apps authorize and get tokens (discovery and /metadata
   * advertise it). The optional ones are set only when configured, so the server's defaults stay
   * in one place.
   */
  Map<String, String> environment() {
    Map<String, String> env = new TreeMap<>();
    env.put("OAUTH2_API_ENDPOINT", oAuth2ApiEndpoint);
    env.put("ISSUER_ENDPOINT", issuerEndpoint);
    env.put("PATIENT_PICKER_ENDPOINT", patientPickerEndpoint);
    if (!audiences.isEmpty()) {
      env.put("SMART_AUDIENCE", String.join(",", audiences));
    }
    putIfSet(env, "SMART_PATIENT_CLAIM", patientClaim);
    putIfSet(env, "SMART_FHIR_USER_CLAIM", fhirUserClaim);
    putIfSet(env, "SMART_TENANT_CLAIM", tenantClaim);
    putIfSet(env, "SMART_JWKS_URI", jwksUri);
    return env;
  }

  private static void putIfSet(Map<String, String> env, String name, String value) {
    if (value != null) {
      env.put(name, value);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SmartAuth s && issuerEndpoint.equals(s.issuerEndpoint)
        && oAuth2ApiEndpoint.equals(s.oAuth2ApiEndpoint) && patientPickerEndpoint.equals(s.patientPickerEndpoint)
        && audiences.equals(s.audiences) && Objects.equals(patientClaim, s.patientClaim)
        && Objects.equals(fhirUserClaim, s.fhirUserClaim) && Objects.equals(tenantClaim, s.tenantClaim)
        && Objects.equals(jwksUri, s.jwksUri);
  }

  @Override
  public int hashCode() {
    return Objects.hash(issuerEndpoint, oAuth2ApiEndpoint, patientPickerEndpoint, audiences, patientClaim,
        fhirUserClaim, tenantClaim, jwksUri);
  }

  @Override
  public String toString() {
    return "SmartAuth{issuerEndpoint=" + issuerEndpoint + ", oAuth2ApiEndpoint=" + oAuth2ApiEndpoint
        + ", patientPickerEndpoint=" + patientPickerEndpoint + ", audiences=" + audiences + ", patientClaim="
        + patientClaim + ", fhirUserClaim=" + fhirUserClaim + ", tenantClaim=" + tenantClaim + ", jwksUri="
        + jwksUri + "}";
  }

  public static final class Builder {
    private String issuerEndpoint;
    private String oAuth2ApiEndpoint;
    private String patientPickerEndpoint;
    private List<String> audiences = List.of();
    private String patientClaim;
    private String fhirUserClaim;
    private String tenantClaim;
    private String jwksUri;

    private Builder() {}

    /** Required: the exact {@code iss} of the authorization server's tokens (https). */
    public Builder issuerEndpoint(String issuerEndpoint) {
      this.issuerEndpoint = issuerEndpoint;
      return this;
    }

    /** Required: the authorization server's API, with {@code /authorize}, {@code /token}, {@code /keys} below it. */
    public Builder oAuth2ApiEndpoint(String oAuth2ApiEndpoint) {
      this.oAuth2ApiEndpoint = oAuth2ApiEndpoint;
      return this;
    }

    /** Required: FWoA's patient picker, which proxies {@code /authorize} and {@code /token}. */
    public Builder patientPickerEndpoint(String patientPickerEndpoint) {
      this.patientPickerEndpoint = patientPickerEndpoint;
      return this;
    }

    /**
     * Values one of which a token's {@code aud} must hold (SMART_AUDIENCE). Default: the API's
     * base URL as the request addressed it, which is what SMART apps send as {@code aud}.
     */
    public Builder audiences(List<String> audiences) {
      this.audiences = audiences == null ? List.of() : new ArrayList<>(audiences);
      return this;
    }

    /**
     * The claim, or dotted path into nested claims, holding the patient in context
     * (SMART_PATIENT_CLAIM). Default {@code patient}; FWoA's Okta setup used
     * {@code ext.launch_context.patient}.
     */
    public Builder patientClaim(String patientClaim) {
      this.patientClaim = patientClaim;
      return this;
    }

    /** The claim holding the user's FHIR reference (SMART_FHIR_USER_CLAIM). Default {@code fhirUser}. */
    public Builder fhirUserClaim(String fhirUserClaim) {
      this.fhirUserClaim = fhirUserClaim;
      return this;
    }

    /**
     * The claim holding the tenant (SMART_TENANT_CLAIM). Default {@code tenantId}; only read with
     * multi-tenancy, so {@link FhirServiceProps} refuses it without.
     */
    public Builder tenantClaim(String tenantClaim) {
      this.tenantClaim = tenantClaim;
      return this;
    }

    /** The issuer's JWKS (SMART_JWKS_URI, https). Default {@code <oAuth2ApiEndpoint>/keys}. */
    public Builder jwksUri(String jwksUri) {
      this.jwksUri = jwksUri;
      return this;
    }

    /** Every problem with these settings, each naming its setting; empty when they can be deployed. */
    public List<ConfigurationException.Problem> problems() {
      List<ConfigurationException.Problem> problems = new ArrayList<>();
      check(ISSUER_ENDPOINT, issuerEndpoint, problems);
      check(OAUTH2_API_ENDPOINT, oAuth2ApiEndpoint, problems);
      check(PATIENT_PICKER_ENDPOINT, patientPickerEndpoint, problems);
      checkAudiences(audiences, problems);
      checkClaim(PATIENT_CLAIM, patientClaim, problems);
      checkClaim(FHIR_USER_CLAIM, fhirUserClaim, problems);
      checkClaim(TENANT_CLAIM, tenantClaim, problems);
      if (jwksUri != null && !jwksUri.isBlank()) {
        checkHttps(JWKS_URI, jwksUri, problems);
      }
      return problems;
    }

    /** @throws ConfigurationException listing every problem */
    public SmartAuth build() {
      List<ConfigurationException.Problem> problems = problems();
      if (!problems.isEmpty()) {
        throw new ConfigurationException(problems);
      }
      return new SmartAuth(this);
    }
  }
}
