package io.fwoa.constructs;

import static io.fwoa.constructs.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class SmartAuthTest {

  private static final SmartAuth SMART = SmartAuth.of("https://auth.example.org/oauth2/default",
      "https://auth.example.org/oauth2/default/v1", "https://picker.example.org/");

  private static Template template;

  @BeforeAll
  static void synthesize() {
    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").smart(SMART).build());
    template = Template.fromStack(stack);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fhirFunctionEnvironment(Template t) {
    Map<String, Object> fn = resources(t, "AWS::Lambda::Function").values().stream().map(TestStacks::properties)
        .filter(p -> ServerCode.API_HANDLER.equals(p.get("Handler"))).findFirst().orElseThrow();
    return (Map<String, Object>) ((Map<String, Object>) fn.get("Environment")).get("Variables");
  }

  /** The cdk-nag suppression reasons of the resources of a type, by rule id. */
  @SuppressWarnings("unchecked")
  private static List<String> reasons(Template t, String type, String ruleId) {
    return resources(t, type).values().stream()
        .map(r -> (Map<String, Object>) r.get("Metadata"))
        .filter(m -> m != null && m.get("cdk_nag") != null)
        .flatMap(m -> ((List<Map<String, Object>>) ((Map<String, Object>) m.get("cdk_nag")).get("rules_to_suppress"))
            .stream())
        .filter(s -> ruleId.equals(s.get("id")))
        .map(s -> String.valueOf(s.get("reason")))
        .toList();
  }

  @Test
  void smartReplacesCognitoWithTokenVerificationInTheFunction() {
    template.resourceCountIs("AWS::Cognito::UserPool", 0);
    template.resourceCountIs("AWS::ApiGateway::Authorizer", 0);
    // The three endpoints, and none of the optional settings: the server's defaults apply.
    assertThat(fhirFunctionEnvironment(template)).containsEntry("OAUTH2_API_ENDPOINT",
            "https://auth.example.org/oauth2/default/v1")
        .containsEntry("ISSUER_ENDPOINT", "https://auth.example.org/oauth2/default")
        .containsEntry("PATIENT_PICKER_ENDPOINT", "https://picker.example.org")
        .doesNotContainKeys("SMART_AUDIENCE", "SMART_PATIENT_CLAIM", "SMART_FHIR_USER_CLAIM", "SMART_TENANT_CLAIM",
            "SMART_JWKS_URI", "USER_POOL_ID", "USER_POOL_APP_CLIENT_ID");
  }

  @Test
  void optionalSettingsReachTheFunction() {
    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").enableMultiTenancy(true)
        .smart(SmartAuth.builder().issuerEndpoint("https://auth.example.org/oauth2/default")
            .oAuth2ApiEndpoint("https://auth.example.org/oauth2/default/v1")
            .patientPickerEndpoint("https://picker.example.org")
            .audiences(List.of("api://default", "https://fhir.example.org/dev"))
            .patientClaim("ext.launch_context.patient").fhirUserClaim("fhir_user").tenantClaim("custom:tenantId")
            .jwksUri("https://auth.example.org/oauth2/default/v1/jwks").build())
        .build());

    assertThat(fhirFunctionEnvironment(Template.fromStack(stack)))
        .containsEntry("SMART_AUDIENCE", "api://default,https://fhir.example.org/dev")
        .containsEntry("SMART_PATIENT_CLAIM", "ext.launch_context.patient")
        .containsEntry("SMART_FHIR_USER_CLAIM", "fhir_user")
        .containsEntry("SMART_TENANT_CLAIM", "custom:tenantId")
        .containsEntry("SMART_JWKS_URI", "https://auth.example.org/oauth2/default/v1/jwks");
  }

  @Test
  void fhirRoutesStillRequireTheApiKeyAndSmartConfigurationIsOpen() {
    long keyed = resources(template, "AWS::ApiGateway::Method").values().stream().map(TestStacks::properties)
        .filter(p -> Boolean.TRUE.equals(p.get("ApiKeyRequired"))).count();
    assertThat(keyed).isEqualTo(2);
    template.hasResourceProperties("AWS::ApiGateway::Resource", Match.objectLike(Map.of("PathPart", "smart-configuration")));
  }

  @Test
  void suppressionReasonsSayWhatTheFunctionVerifies() {
    assertThat(reasons(template, "AWS::ApiGateway::Method", "AwsSolutions-COG4"))
        .anySatisfy(r -> assertThat(r).contains("verifies", "RS256/ES256", "JWKS", "iss", "aud", "exp",
            "API key is still required"));
    assertThat(reasons(template, "AWS::ApiGateway::Method", "AwsSolutions-APIG4"))
        .anySatisfy(r -> assertThat(r).contains("SMART v1/v2 scopes", "compartment"))
        .anySatisfy(r -> assertThat(r).contains("/.well-known/smart-configuration", "no patient data"));
    // Outside a VPC, the function reaches the authorization server's keys directly.
    assertThat(reasons(template, "AWS::Lambda::Function", "HIPAA.Security-LambdaInsideVPC"))
        .anySatisfy(r -> assertThat(r).contains("https://auth.example.org/oauth2/default/v1/keys"));
    assertThat(template.toJSON().toString()).doesNotContainIgnoringCase("later release")
        .doesNotContain("validates it against the server's keys");
  }

  @Test
  void missingEndpointsAreNamed() {
    assertThatThrownBy(() -> SmartAuth.of("https://issuer.example.org", null, " "))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("oAuth2ApiEndpoint: is required")
        .hasMessageContaining("patientPickerEndpoint: is required")
        .hasMessageNotContaining("issuerEndpoint:");
  }

  @Test
  void plainHttpIsRefused() {
    ConfigurationException e = (ConfigurationException) org.junit.jupiter.api.Assertions.assertThrows(
        ConfigurationException.class,
        () -> SmartAuth.of("http://issuer.example.org", "https://api.example.org", "https://picker.example.org"));
    assertThat(e.getProblems()).singleElement().satisfies(p -> {
      assertThat(p.setting()).isEqualTo("issuerEndpoint");
      assertThat(p.message()).contains("must be an https:// URL");
    });
  }

  @Test
  void invalidOptionalSettingsAreNamedAllAtOnce() {
    assertThatThrownBy(() -> SmartAuth.builder().issuerEndpoint("https://issuer.example.org")
        .oAuth2ApiEndpoint("https://api.example.org").patientPickerEndpoint("https://picker.example.org")
        .audiences(List.of("a,b")).patientClaim("ext launch").jwksUri("http://api.example.org/keys").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("smartAudience: 'a,b' is not an audience")
        .hasMessageContaining("smartPatientClaim: 'ext launch' is not a claim name")
        .hasMessageContaining("smartJwksUri: 'http://api.example.org/keys' must be an https:// URL");
  }

  @Test
  void theTenantClaimWithoutMultiTenancyIsRefused() {
    SmartAuth withTenant = SmartAuth.builder().issuerEndpoint("https://issuer.example.org")
        .oAuth2ApiEndpoint("https://api.example.org").patientPickerEndpoint("https://picker.example.org")
        .tenantClaim("tenantId").build();

    assertThatThrownBy(() -> FhirServiceProps.builder().stage("dev").smart(withTenant).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("smartTenantClaim: 'tenantId' names the tenant claim")
        .hasMessageContaining("enableMultiTenancy=true");
  }
}
