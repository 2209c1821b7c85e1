package io.fwoa.server.capability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.SmartSettings;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.Extension;
import org.junit.jupiter.api.Test;

/** /metadata's rest.security: SMART's service coding and oauth-uris, or Cognito's OAuth. */
class SmartSecurityTest {

  private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
  private static final String SERVICE_SYSTEM = "http://terminology.hl7.org/CodeSystem/restful-security-service";

  private static CapabilityStatementRestSecurityComponent security(Map<String, String> env) {
    CapabilityStatement cs = new CapabilityStatements(ServerConfig.fromEnvironment(env))
        .build("https://fhir.example.org/dev");
    return cs.getRestFirstRep().getSecurity();
  }

  private static Map<String, String> smart(String picker) {
    Map<String, String> env = new HashMap<>(Map.of(
        ServerConfig.OAUTH2_API_ENDPOINT, "https://auth.example.org/v1",
        SmartSettings.ISSUER_ENDPOINT, "https://auth.example.org"));
    if (picker != null) {
      env.put(SmartSettings.PATIENT_PICKER_ENDPOINT, picker);
    }
    return env;
  }

  private static String uri(CapabilityStatementRestSecurityComponent security, String name) {
    Extension oauth = security.getExtensionByUrl(OAUTH_URIS);
    assertThat(oauth).as("oauth-uris extension").isNotNull();
    return oauth.getExtensionString(name);
  }

  @Test
  void smartAdvertisesTheSmartServiceAndThePatientPickersEndpoints() {
    CapabilityStatementRestSecurityComponent security = security(smart("https://picker.example.org"));

    assertThat(security.getService()).singleElement().satisfies(s -> {
      assertThat(s.getCodingFirstRep().getSystem()).isEqualTo(SERVICE_SYSTEM);
      assertThat(s.getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
    });
    assertThat(uri(security, "authorize")).isEqualTo("https://picker.example.org/authorize");
    assertThat(uri(security, "token")).isEqualTo("https://picker.example.org/token");
    assertThat(security.getDescription()).contains("https://auth.example.org", "https://auth.example.org/v1/keys",
        ".well-known/smart-configuration");
  }

  @Test
  void withoutAPickerTheAuthorizationServersEndpointsAreAdvertised() {
    CapabilityStatementRestSecurityComponent security = security(smart(null));

    assertThat(uri(security, "authorize")).isEqualTo("https://auth.example.org/v1/authorize");
    assertThat(uri(security, "token")).isEqualTo("https://auth.example.org/v1/token");
  }

  @Test
  void cognitoHasNoSmartExtension() {
    CapabilityStatementRestSecurityComponent security = security(Map.of());

    assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("OAuth");
    assertThat(security.getExtensionByUrl(OAUTH_URIS)).isNull();
  }
}
