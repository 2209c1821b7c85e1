package io.fwoa.server.capability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.api.ApiResponse;
import io.fwoa.server.api.FhirApi;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.config.SmartSettings;
import io.fwoa.server.fhir.Fhir;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/**
 * GET /.well-known/smart-configuration: the SMART App Launch 2.x discovery document, public, from
 * the SMART settings; 404 on a Cognito server. Requests go through {@link FhirApi} without a token,
 * so a 200 also shows that the route needs none.
 */
class SmartConfigurationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ISSUER = "https://auth.example.org/oauth2/default";
  private static final String API = "https://auth.example.org/oauth2/default/v1";
  private static final String PICKER = "https://picker.example.org/smart";

  private static Map<String, String> smartEnv(String picker) {
    Map<String, String> env = new HashMap<>();
    env.put(ServerConfig.OAUTH2_API_ENDPOINT, API + "/");
    env.put(SmartSettings.ISSUER_ENDPOINT, ISSUER);
    if (picker != null) {
      env.put(SmartSettings.PATIENT_PICKER_ENDPOINT, picker);
    }
    return env;
  }

  private static FhirApi api(Map<String, String> env) {
    return ServerFactory.create(ServerConfig.fromEnvironment(env));
  }

  private static ApiResponse call(FhirApi api, String method, String path, Map<String, String> headers) {
    return api.handle(new ApiRequest(method, path, headers, Map.of(), null, "https://fhir.example.org/dev"));
  }

  private static JsonNode get(FhirApi api, String path) throws Exception {
    ApiResponse response = call(api, "GET", path, Map.of());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.headers()).containsEntry("Content-Type", "application/json");
    return JSON.readTree(response.body());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void withAPatientPickerAppsAuthorizeThroughItAndGetStandalonePatientContext() throws Exception {
    JsonNode doc = get(api(smartEnv(PICKER)), "/.well-known/smart-configuration");

    assertThat(doc.get("issuer").asText()).isEqualTo(ISSUER);
    assertThat(doc.get("jwks_uri").asText()).isEqualTo(API + "/keys");
    assertThat(doc.get("authorization_endpoint").asText()).isEqualTo(PICKER + "/authorize");
    assertThat(doc.get("token_endpoint").asText()).isEqualTo(PICKER + "/token");
    assertThat(strings(doc.get("grant_types_supported"))).containsExactly("authorization_code", "client_credentials");
    assertThat(strings(doc.get("response_types_supported"))).containsExactly("code");
    assertThat(strings(doc.get("code_challenge_methods_supported"))).containsExactly("S256");
    assertThat(strings(doc.get("token_endpoint_auth_methods_supported"))).containsExactly("client_secret_basic");
    assertThat(strings(doc.get("capabilities"))).containsExactlyInAnyOrder("launch-standalone", "client-public",
        "client-confidential-symmetric", "sso-openid-connect", "context-standalone-patient", "permission-v1",
        "permission-v2", "permission-patient", "permission-user");
    assertThat(strings(doc.get("scopes_supported")))
        .contains("openid", "fhirUser", "launch/patient", "patient/*.read", "patient/*.write", "patient/*.rs",
            "patient/*.cruds", "user/*.read", "user/*.cruds", "system/*.read", "system/*.rs")
        .doesNotContain("offline_access", "launch");
  }

  @Test
  void withoutAPatientPickerAppsUseTheAuthorizationServerAndNoPatientContextIsPromised() throws Exception {
    JsonNode doc = get(api(smartEnv(null)), "/.well-known/smart-configuration");

    assertThat(doc.get("authorization_endpoint").asText()).isEqualTo(API + "/authorize");
    assertThat(doc.get("token_endpoint").asText()).isEqualTo(API + "/token");
    assertThat(strings(doc.get("capabilities"))).contains("launch-standalone", "permission-v2")
        .doesNotContain("context-standalone-patient");
    assertThat(strings(doc.get("scopes_supported"))).doesNotContain("launch/patient");
  }

  @Test
  void theConfiguredJwksUriIsTheOneAdvertised() throws Exception {
    Map<String, String> env = smartEnv(PICKER);
    env.put(SmartSettings.SMART_JWKS_URI, "https://keys.example.org/jwks.json");

    assertThat(get(api(env), "/.well-known/smart-configuration").get("jwks_uri").asText())
        .isEqualTo("https://keys.example.org/jwks.json");
  }

  @Test
  void noCapabilityIsClaimedThatNeedsWhatFwoaDoesNotHave() {
    SmartSettings settings = ServerConfig.fromEnvironment(smartEnv(PICKER)).smartSettings().orElseThrow();

    assertThat(SmartConfiguration.capabilities(settings)).doesNotContain("launch-ehr", "context-ehr-patient",
        "context-standalone-encounter", "permission-offline", "permission-online", "client-confidential-asymmetric",
        "authorize-post");
  }

  @Test
  void theDocumentIsJsonWhateverTheClientAccepts() throws Exception {
    ApiResponse response = call(api(smartEnv(PICKER)), "GET", "/.well-known/smart-configuration",
        Map.of("Accept", "application/fhir+xml"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("issuer").asText()).isEqualTo(ISSUER);
  }

  @Test
  void headHasNoBodyAndOtherMethodsAre405() {
    FhirApi api = api(smartEnv(PICKER));

    ApiResponse head = call(api, "HEAD", "/.well-known/smart-configuration", Map.of());
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isNull();
    ApiResponse post = call(api, "POST", "/.well-known/smart-configuration", Map.of());
    assertThat(post.status()).isEqualTo(405);
    assertThat(outcome(post).getIssueFirstRep().getCode().toCode()).isEqualTo("not-supported");
  }

  @Test
  void aCognitoServerAnswers404SayingItDoesNotUseSmart() {
    ApiResponse response = call(api(Map.of()), "GET", "/.well-known/smart-configuration", Map.of());

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.headers()).containsEntry("Content-Type", Fhir.JSON_CONTENT_TYPE);
    OperationOutcome outcome = outcome(response);
    assertThat(outcome.getIssueFirstRep().getCode().toCode()).isEqualTo("not-found");
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("does not use SMART on FHIR")
        .contains("Cognito");
  }

  @Test
  void underMultiTenancyTheTenantPathServesTheSameDocument() throws Exception {
    Map<String, String> env = smartEnv(PICKER);
    env.put(ServerConfig.ENABLE_MULTI_TENANCY, "true");
    FhirApi tenants = api(env);

    assertThat(get(tenants, "/tenant/t1/.well-known/smart-configuration"))
        .isEqualTo(get(tenants, "/.well-known/smart-configuration"));
    // Without multi-tenancy there are no tenant paths.
    assertThat(call(api(smartEnv(PICKER)), "GET", "/tenant/t1/.well-known/smart-configuration", Map.of()).status())
        .isEqualTo(404);
  }

  private static OperationOutcome outcome(ApiResponse response) {
    return Fhir.jsonParser().parseResource(OperationOutcome.class, response.body());
  }
}
