package io.fwoa.server.capability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.api.ApiResponse;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.config.SmartSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SMART App Launch 2.x discovery document, {@code GET [base]/.well-known/smart-configuration}:
 * public, always JSON (whatever the Accept header says, as the IG requires), built once from the
 * SMART settings, which do not change while the process lives.
 *
 * <p>A SMART deployment is two parties: the external authorization server (issuer, authorize and
 * token endpoints, optionally FWoA's patient picker in front of it) and this FHIR server, which
 * verifies the access tokens (RS256/ES256 signature against the issuer's JWKS; iss, aud, exp) and
 * enforces their scopes. The document speaks for both, so it lists only what this server enforces
 * and what fwoa requires of the authorization server (README, "SMART on FHIR"); nothing either
 * side may or may not do. See {@link #capabilities} for why each capability is listed or left out.
 */
public final class SmartConfiguration {

  /** The path below the FHIR base (and below {@code /tenant/<id>} with multi-tenancy). */
  public static final List<String> PATH = List.of(".well-known", "smart-configuration");

  static final String CONTENT_TYPE = "application/json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Null when SMART is off. */
  private final String body;

  public SmartConfiguration(Optional<SmartSettings> settings) {
    this.body = settings.map(s -> write(document(s))).orElse(null);
  }

  /**
   * The answer to a request for {@link #PATH}: 200 with the document (GET, HEAD), 405 for other
   * methods, 404 when the server does not use SMART on FHIR.
   *
   * @throws FhirException for the 404 and 405 (an OperationOutcome, like every error of the API)
   */
  public ApiResponse answer(String method) {
    if (body == null) {
      throw FhirException.notFound("This server does not use SMART on FHIR: it accepts Amazon Cognito tokens "
          + "(see GET /metadata, rest.security), so it has no SMART configuration");
    }
    boolean head = method.equals("HEAD");
    if (!method.equals("GET") && !head) {
      throw FhirException.methodNotAllowed("Only GET is allowed on /.well-known/smart-configuration");
    }
    return new ApiResponse(200, Map.of("Content-Type", CONTENT_TYPE), head ? null : body);
  }

  /** The document's fields, in the IG's order. */
  static ObjectNode document(SmartSettings s) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("issuer", s.issuer());
    doc.put("jwks_uri", s.jwksUri());
    // Through the patient picker when there is one: FWoA's picker proxies both endpoints.
    doc.put("authorization_endpoint", s.authorizeEndpoint());
    doc.put("token_endpoint", s.tokenEndpoint());
    // RFC 6749 section 2.3.1: an authorization server MUST support HTTP Basic for clients with a
    // password, which is what client-confidential-symmetric means. client_secret_post and
    // private_key_jwt are optional there, so they are not claimed.
    array(doc, "token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
    // authorization_code: the standalone launch; client_credentials: backend services, the source
    // of the system/ scopes this server honours.
    array(doc, "grant_types_supported", List.of("authorization_code", "client_credentials"));
    array(doc, "scopes_supported", scopes(s));
    array(doc, "response_types_supported", List.of("code"));
    // SMART 2 requires S256 and forbids plain.
    array(doc, "code_challenge_methods_supported", List.of("S256"));
    array(doc, "capabilities", capabilities(s));
    return doc;
  }

  /**
   * Listed, because this server enforces them on every request:
   * <ul>
   *   <li>{@code permission-v1}: v1 scopes ({@code patient/Observation.read}, {@code .write},
   *       {@code .*}) are read as read+search and create+update+delete;
   *   <li>{@code permission-v2}: v2 scopes ({@code .cruds} letters, granular
   *       {@code ?param=value} queries);
   *   <li>{@code permission-patient}: {@code patient/} scopes reach the patient in context (the
   *       token's patient claim) and that patient's compartment only;
   *   <li>{@code permission-user}: {@code user/} scopes, for tokens with a {@code fhirUser}.
   * </ul>
   * Listed, because fwoa requires them of the authorization server it is deployed with (a
   * SMART-compliant OAuth2 server, as FWoA did) and advertises its endpoints:
   * <ul>
   *   <li>{@code launch-standalone}: apps start at {@code authorization_endpoint} themselves;
   *   <li>{@code client-public}: public apps, protected by PKCE ({@code S256} above);
   *   <li>{@code client-confidential-symmetric}: apps with a client secret;
   *   <li>{@code sso-openid-connect}: {@code openid fhirUser}; {@code issuer} and
   *       {@code jwks_uri}, which the IG requires with it, are the ones this server verifies
   *       tokens against;
   *   <li>{@code context-standalone-patient}: only with a patient picker, whose job is to ask the
   *       user for the patient at a standalone launch and put it in the token.
   * </ul>
   * Left out: {@code launch-ehr} and {@code context-ehr-*} (no EHR launch: this server issues no
   * {@code launch} parameter and has no launch context to resolve),
   * {@code context-standalone-encounter} (no encounter claim is read), {@code permission-offline}/{@code -online} and
   * {@code offline_access} (refresh tokens are the authorization server's choice and never reach
   * this server), {@code client-confidential-asymmetric} and {@code authorize-post} (optional
   * features of the authorization server that fwoa does not require), {@code context-passthrough-*}.
   */
  static List<String> capabilities(SmartSettings s) {
    List<String> out = new ArrayList<>(List.of("launch-standalone", "client-public",
        "client-confidential-symmetric", "sso-openid-connect"));
    if (s.patientPickerEndpoint() != null) {
      out.add("context-standalone-patient");
    }
    out.addAll(List.of("permission-v1", "permission-v2", "permission-patient", "permission-user"));
    return out;
  }

  /**
   * The scopes a client may ask for. Resource scopes are shown with {@code *} for every type, in
   * v1 and v2 form for each context; a single type ({@code patient/Observation.rs}) and v2
   * granular queries ({@code patient/Observation.rs?category=laboratory}) are honoured too, which
   * no finite list can show (the IG lets servers list a subset).
   */
  static List<String> scopes(SmartSettings s) {
    List<String> out = new ArrayList<>(List.of("openid", "fhirUser"));
    if (s.patientPickerEndpoint() != null) {
      out.add("launch/patient");
    }
    for (String context : List.of("patient", "user", "system")) {
      for (String permissions : List.of("read", "write", "rs", "cruds")) {
        out.add(context + "/*." + permissions);
      }
    }
    return out;
  }

  private static void array(ObjectNode doc, String name, List<String> values) {
    ArrayNode a = doc.putArray(name);
    values.forEach(a::add);
  }

  private static String write(ObjectNode doc) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the SMART configuration", e);
    }
  }
}
