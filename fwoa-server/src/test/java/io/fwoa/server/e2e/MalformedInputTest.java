package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input of every kind gets a 4xx OperationOutcome that says what is wrong, and writes
 * nothing.
 */
@ExtendWith(LocalStack.class)
class MalformedInputTest {

  private static final String JSON = "application/fhir+json";
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"active\":true}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("truncated JSON", "POST", "/Patient", JSON, "{\"resourceType\":\"Patient\",", Map.of(), 400),
        Arguments.of("JSON array", "POST", "/Patient", JSON, "[1,2]", Map.of(), 400),
        Arguments.of("not JSON at all", "POST", "/Patient", JSON, "hello", Map.of(), 400),
        Arguments.of("empty body", "POST", "/Patient", JSON, "", Map.of(), 400),
        Arguments.of("no resourceType", "POST", "/Patient", JSON, "{\"active\":true}", Map.of(), 400),
        Arguments.of("wrong resourceType", "POST", "/Patient", JSON, "{\"resourceType\":\"Observation\"}", Map.of(),
            400),
        Arguments.of("unknown resourceType in body", "POST", "/Patient", JSON, "{\"resourceType\":\"Foo\"}", Map.of(),
            400),
        Arguments.of("unknown element", "POST", "/Patient", JSON, "{\"resourceType\":\"Patient\",\"foo\":1}", Map.of(),
            400),
        Arguments.of("invalid date", "POST", "/Patient", JSON,
            "{\"resourceType\":\"Patient\",\"birthDate\":\"not-a-date\"}", Map.of(), 400),
        Arguments.of("wrong JSON type", "POST", "/Patient", JSON, "{\"resourceType\":\"Patient\",\"active\":\"yes\"}",
            Map.of(), 400),
        Arguments.of("unknown type in URL", "POST", "/Foo", JSON, PATIENT, Map.of(), 404),
        Arguments.of("id mismatch", "PUT", "/Patient/abc", JSON,
            "{\"resourceType\":\"Patient\",\"id\":\"xyz\"}", Map.of(), 400),
        Arguments.of("missing id on update", "PUT", "/Patient/abc", JSON, PATIENT, Map.of(), 400),
        Arguments.of("invalid id", "PUT", "/Patient/bad_id!", JSON,
            "{\"resourceType\":\"Patient\",\"id\":\"bad_id!\"}", Map.of(), 400),
        Arguments.of("XML body", "POST", "/Patient", "application/fhir+xml",
            "<Patient xmlns=\"http://hl7.org/fhir\"/>", Map.of(), 415),
        Arguments.of("form body", "POST", "/Patient", "application/x-www-form-urlencoded", "a=b", Map.of(), 415),
        Arguments.of("FHIRPath patch", "PATCH", "/Patient/abc", JSON, "{\"resourceType\":\"Parameters\"}", Map.of(),
            415),
        Arguments.of("XML accepted only", "GET", "/Patient/abc", null, null, Map.of("Accept", "application/fhir+xml"),
            406),
        Arguments.of("_format=xml", "GET", "/Patient/abc?_format=xml", null, null, Map.of(), 406),
        Arguments.of("document bundle to base", "POST", "", JSON,
            "{\"resourceType\":\"Bundle\",\"type\":\"document\"}", Map.of(), 400),
        Arguments.of("non-bundle to base", "POST", "", JSON, PATIENT, Map.of(), 400),
        Arguments.of("transaction entry without request", "POST", "", JSON,
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + PATIENT + "}]}",
            Map.of(), 400),
        Arguments.of("transaction entry to unknown type", "POST", "", JSON,
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + PATIENT
                + ",\"request\":{\"method\":\"POST\",\"url\":\"Foo\"}}]}", Map.of(), 400),
        Arguments.of("two entries change one resource", "POST", "", JSON,
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"twice\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/twice\"}},"
                + "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"twice\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/twice\"}}]}",
            Map.of(), 400),
        Arguments.of("PUT on the type", "PUT", "/Patient", JSON, PATIENT, Map.of(), 405),
        Arguments.of("DELETE /metadata", "DELETE", "/metadata", null, null, Map.of(), 405),
        Arguments.of("invalid If-Match", "PUT", "/Patient/abc", JSON, "{\"resourceType\":\"Patient\",\"id\":\"abc\"}",
            Map.of("If-Match", "version-three"), 400),
        Arguments.of("invalid _count", "GET", "/Patient/_history?_count=-1", null, null, Map.of(), 400),
        Arguments.of("too large body", "POST", "/Patient", JSON,
            "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">"
                + "x".repeat(7 * 1024 * 1024) + "</div>\"}}", Map.of(), 413),
        Arguments.of("bad conditional create", "POST", "/Patient", JSON, PATIENT,
            Map.of("If-None-Exist", "nickname=Smith"), 400));
  }

  @ParameterizedTest(name = "{0} -> {6}")
  @MethodSource("cases")
  void rejectedWithOperationOutcomeAndNothingWritten(String name, String method, String path, String contentType,
      String body, Map<String, String> headers, int status, LocalFhirServer server) throws InterruptedException {
    Thread.sleep(2);
    Instant before = Instant.now();
    String token = server.token("practitioner");

    HttpResponse<String> r = Http.send(method, server.baseUrl() + path, token, contentType, body, headers);

    assertThat(r.statusCode()).as(name).isEqualTo(status);
    OperationOutcome outcome = Fhir.jsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();

    Bundle written = Fhir.jsonParser().parseResource(Bundle.class, Http.send("GET",
        server.baseUrl() + "/_history?_since=" + before, token, null, null).body());
    assertThat(written.getEntry()).as("versions written by '%s'", name).isEmpty();
  }
}
