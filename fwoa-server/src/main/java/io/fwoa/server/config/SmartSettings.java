package io.fwoa.server.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SMART on FHIR settings, from the environment variables fwoa-constructs sets (FWoA's names where
 * FWoA had them). SMART is on when {@code OAUTH2_API_ENDPOINT} is set; then {@code ISSUER_ENDPOINT}
 * is required.
 *
 * @param issuer ISSUER_ENDPOINT: the exact {@code iss} of accepted tokens
 * @param oAuth2ApiEndpoint OAUTH2_API_ENDPOINT: the authorization server's API ({@code /authorize},
 *     {@code /token}, {@code /keys} below it, as in FWoA)
 * @param patientPickerEndpoint PATIENT_PICKER_ENDPOINT: when set, apps authorize and get tokens
 *     through it (FWoA's patient picker proxies the authorization server), or null
 * @param jwksUri SMART_JWKS_URI: the issuer's keys (default {@code <OAUTH2_API_ENDPOINT>/keys})
 * @param audiences SMART_AUDIENCE: comma-separated values one of which {@code aud} must contain;
 *     empty means the API's base URL as the request addressed it
 * @param patientClaim SMART_PATIENT_CLAIM: the claim, or dotted path into nested claims, holding
 *     the patient in context (default {@code patient}; FWoA's Okta setup used
 *     {@code ext.launch_context.patient})
 * @param fhirUserClaim SMART_FHIR_USER_CLAIM: the claim holding the user's FHIR reference (default
 *     {@code fhirUser})
 * @param tenantClaim SMART_TENANT_CLAIM: the claim holding the tenant under multi-tenancy (default
 *     {@code tenantId}, as FWoA's SMART deployment)
 */
public record SmartSettings(String issuer, String oAuth2ApiEndpoint, String patientPickerEndpoint, String jwksUri,
    List<String> audiences, String patientClaim, String fhirUserClaim, String tenantClaim) {

  public static final String ISSUER_ENDPOINT = "ISSUER_ENDPOINT";
  public static final String PATIENT_PICKER_ENDPOINT = "PATIENT_PICKER_ENDPOINT";
  public static final String SMART_JWKS_URI = "SMART_JWKS_URI";
  public static final String SMART_AUDIENCE = "SMART_AUDIENCE";
  public static final String SMART_PATIENT_CLAIM = "SMART_PATIENT_CLAIM";
  public static final String SMART_FHIR_USER_CLAIM = "SMART_FHIR_USER_CLAIM";
  public static final String SMART_TENANT_CLAIM = "SMART_TENANT_CLAIM";

  public SmartSettings {
    audiences = List.copyOf(audiences);
  }

  /** Present when OAUTH2_API_ENDPOINT is set; refuses settings that cannot work, naming them. */
  static Optional<SmartSettings> fromEnvironment(Map<String, String> env) {
    String api = trimmed(env.get(ServerConfig.OAUTH2_API_ENDPOINT));
    if (api == null) {
      return Optional.empty();
    }
    String issuer = trimmed(env.get(ISSUER_ENDPOINT));
    if (issuer == null) {
      throw new IllegalArgumentException(ISSUER_ENDPOINT + " is required when " + ServerConfig.OAUTH2_API_ENDPOINT
          + " is set (SMART on FHIR): the exact 'iss' of the authorization server's tokens");
    }
    api = withoutSlash(url(ServerConfig.OAUTH2_API_ENDPOINT, api));
    String picker = trimmed(env.get(PATIENT_PICKER_ENDPOINT));
    String jwks = trimmed(env.get(SMART_JWKS_URI));
    List<String> audiences = new ArrayList<>();
    String aud = trimmed(env.get(SMART_AUDIENCE));
    if (aud != null) {
      for (String a : aud.split(",")) {
        if (!a.isBlank()) {
          audiences.add(withoutSlash(a.trim()));
        }
      }
    }
    return Optional.of(new SmartSettings(issuer, api,
        picker == null ? null : withoutSlash(url(PATIENT_PICKER_ENDPOINT, picker)),
        jwks == null ? api + "/keys" : url(SMART_JWKS_URI, jwks), audiences,
        claim(env, SMART_PATIENT_CLAIM, "patient"), claim(env, SMART_FHIR_USER_CLAIM, "fhirUser"),
        claim(env, SMART_TENANT_CLAIM, "tenantId")));
  }

  /** Where apps send users to authorize: the patient picker when there is one (FWoA), else the server. */
  public String authorizeEndpoint() {
    return (patientPickerEndpoint != null ? patientPickerEndpoint : oAuth2ApiEndpoint) + "/authorize";
  }

  /** Where apps exchange codes for tokens. */
  public String tokenEndpoint() {
    return (patientPickerEndpoint != null ? patientPickerEndpoint : oAuth2ApiEndpoint) + "/token";
  }

  private static String claim(Map<String, String> env, String name, String fallback) {
    String v = trimmed(env.get(name));
    if (v == null) {
      return fallback;
    }
    if (!v.matches("[A-Za-z0-9_:$-]+(\\.[A-Za-z0-9_:$-]+)*")) {
      throw new IllegalArgumentException(name + " must be a claim name or a dotted path of claim names (such as "
          + "ext.launch_context.patient), got '" + v + "'");
    }
    return v;
  }

  private static String url(String name, String value) {
    try {
      URI u = URI.create(value);
      if (u.getScheme() != null && (u.getScheme().equals("https") || u.getScheme().equals("http"))
          && u.getHost() != null) {
        return value;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be an http(s) URL, got '" + value + "'");
  }

  private static String withoutSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
