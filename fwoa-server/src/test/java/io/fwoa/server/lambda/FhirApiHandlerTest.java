package io.fwoa.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.fhir.Fhir;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FhirApiHandlerTest {

  private final FhirApiHandler handler =
      new FhirApiHandler(ServerFactory.create(ServerConfig.fromEnvironment(Map.of())));

  @Test
  void metadataIsAValidR4CapabilityStatement() {
    APIGatewayProxyResponseEvent response = handler.handleRequest(get("/metadata", null), null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getHeaders()).containsEntry("Content-Type", Fhir.JSON_CONTENT_TYPE);
    CapabilityStatement cs = Fhir.jsonParser().parseResource(CapabilityStatement.class, response.getBody());
    assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
    assertThat(cs.getImplementation().getUrl()).isEqualTo("https://abc123.execute-api.us-west-2.amazonaws.com/dev");
    assertThat(cs.getRestFirstRep().getSecurity().getServiceFirstRep().getCodingFirstRep().getCode())
        .isEqualTo("OAuth");
    // It states what the server implements, and nothing more: no search.
    var patient = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst()
        .orElseThrow();
    assertThat(patient.getInteraction()).extracting(i -> i.getCode().toCode())
        .containsExactlyInAnyOrder("read", "vread", "update", "patch", "delete", "history-instance", "history-type",
            "create");
    assertThat(patient.getSearchParam()).isEmpty();
    assertThat(patient.getConditionalCreate()).isTrue();
    assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode())
        .containsExactlyInAnyOrder("transaction", "batch", "history-system");
    assertThat(cs.getPatchFormat()).extracting(c -> c.getValue()).containsExactly("application/json-patch+json");

    ValidationResult result = validator().validateWithResult(response.getBody());
    String errors = result.getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .map(m -> m.getLocationString() + ": " + m.getMessage())
        .collect(Collectors.joining("\n"));
    assertThat(errors).as("validation errors").isEmpty();
  }

  @Test
  void withSearchTheCapabilityStatementListsSearchParametersAndStaysValid() {
    // A search index is configured (never contacted: the statement is built from the definitions).
    FhirApiHandler withSearch = new FhirApiHandler(ServerFactory.create(ServerConfig.fromEnvironment(Map.of()),
        new ServerFactory.Overrides(java.util.function.UnaryOperator.identity(), () -> {
          throw new AssertionError("the CapabilityStatement needs no search client");
        })));
    APIGatewayProxyResponseEvent response = withSearch.handleRequest(get("/metadata", null), null);
    CapabilityStatement cs = Fhir.jsonParser().parseResource(CapabilityStatement.class, response.getBody());
    var observation = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Observation"))
        .findFirst().orElseThrow();
    assertThat(observation.getInteraction()).extracting(i -> i.getCode().toCode()).contains("search-type");
    assertThat(observation.getSearchParam()).extracting(p -> p.getName() + ":" + p.getType().toCode())
        .contains("code:token", "date:date", "subject:reference", "value-quantity:quantity",
            "code-value-quantity:composite", "_lastUpdated:date", "_text:string");
    ValidationResult result = validator().validateWithResult(response.getBody());
    String errors = result.getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .map(m -> m.getLocationString() + ": " + m.getMessage())
        .limit(20)
        .collect(Collectors.joining("\n"));
    assertThat(errors).as("validation errors").isEmpty();
  }

  @Test
  void smartDeploymentAdvertisesSmartSecurityWithOAuthUris() {
    FhirApiHandler smart = new FhirApiHandler(ServerFactory.create(ServerConfig.fromEnvironment(Map.of(
        ServerConfig.OAUTH2_API_ENDPOINT, "https://auth.example.org/oauth2",
        io.fwoa.server.config.SmartSettings.ISSUER_ENDPOINT, "https://auth.example.org"))));

    CapabilityStatement cs = Fhir.jsonParser().parseResource(CapabilityStatement.class,
        smart.handleRequest(get("/metadata", null), null).getBody());

    var security = cs.getRestFirstRep().getSecurity();
    assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
    assertThat(security.getExtensionFirstRep().getExtensionString("token"))
        .isEqualTo("https://auth.example.org/oauth2/token");
  }

  @ParameterizedTest
  @CsvSource({
      "GET, /Patient/123, , 401, login",
      "POST, /Observation, '{\"resourceType\":\"Observation\"}', 401, login",
      "POST, /, '{\"resourceType\":\"Bundle\"}', 401, login",
      "GET, /NotAType/1, , 404, not-found",
      "DELETE, /metadata, , 405, not-supported",
  })
  void withoutTokenOrForUnknownPathsTheAnswerIsAnOperationOutcome(String method, String path, String body, int status, String code) {
    APIGatewayProxyRequestEvent event = get(path, body).withHttpMethod(method);

    APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

    assertThat(response.getStatusCode()).isEqualTo(status);
    OperationOutcome outcome = Fhir.jsonParser().parseResource(OperationOutcome.class, response.getBody());
    assertThat(outcome.getIssueFirstRep().getCode().toCode()).isEqualTo(code);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
  }

  @Test
  void proxyPathParameterIsTheFhirPath() {
    APIGatewayProxyRequestEvent event = get("/ignored", null).withPathParameters(Map.of("proxy", "Unknown"));

    assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(404);
  }

  @Test
  void tenantMetadataIsServedWhenMultiTenancyIsOn() {
    FhirApiHandler tenants = new FhirApiHandler(ServerFactory.create(ServerConfig.fromEnvironment(
        Map.of(ServerConfig.ENABLE_MULTI_TENANCY, "true"))));

    assertThat(tenants.handleRequest(get("/tenant/t1/metadata", null), null).getStatusCode()).isEqualTo(200);
    assertThat(handler.handleRequest(get("/tenant/t1/metadata", null), null).getStatusCode()).isEqualTo(404);
  }

  private static APIGatewayProxyRequestEvent get(String path, String body) {
    return new APIGatewayProxyRequestEvent()
        .withHttpMethod("GET")
        .withPath(path)
        .withBody(body)
        .withHeaders(Map.of("Host", "abc123.execute-api.us-west-2.amazonaws.com"))
        .withRequestContext(new ProxyRequestContext().withStage("dev"));
  }

  private static FhirValidator validator() {
    ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(Fhir.context()),
        new InMemoryTerminologyServerValidationSupport(Fhir.context()),
        new CommonCodeSystemsTerminologyService(Fhir.context()));
    FhirValidator validator = Fhir.context().newValidator();
    validator.registerValidatorModule(new FhirInstanceValidator(chain));
    return validator;
  }
}
