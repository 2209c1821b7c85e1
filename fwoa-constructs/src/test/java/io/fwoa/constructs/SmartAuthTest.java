package io.fwoa.constructs;

import static io.fwoa.constructs.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void smartReplacesCognitoWithTokenValidationInTheFunction() {
    template.resourceCountIs("AWS::Cognito::UserPool", 0);
    template.resourceCountIs("AWS::ApiGateway::Authorizer", 0);
    template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", ServerCode.API_HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "OAUTH2_API_ENDPOINT", "https://auth.example.org/oauth2/default/v1"))))));
  }

  @Test
  void fhirRoutesStillRequireTheApiKeyAndSmartConfigurationIsOpen() {
    long keyed = resources(template, "AWS::ApiGateway::Method").values().stream().map(TestStacks::properties)
        .filter(p -> Boolean.TRUE.equals(p.get("ApiKeyRequired"))).count();
    assertThat(keyed).isEqualTo(2);
    template.hasResourceProperties("AWS::ApiGateway::Resource", Match.objectLike(Map.of("PathPart", "smart-configuration")));
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
}
