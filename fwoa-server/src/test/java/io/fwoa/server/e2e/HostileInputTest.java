package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bodies, each on its own: every one answers 4xx with an OperationOutcome that names the
 * element (where there is one), none a 5xx, none writes anything. Before the parse boundary was
 * hardened, some answered 500 (a null in an extension array, deep nesting), and some were stored
 * with parts silently dropped or coerced (a null in name, "true" for true, ["male"] for "male").
 */
@ExtendWith(LocalStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

  private static final String JSON = "application/fhir+json";
  private static final String P = "{\"resourceType\":\"Patient\",";
  private static final String O = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},";

  private LocalFhirServer server;
  private String token;
  private String existing;

  @BeforeAll
  void existingPatient(LocalFhirServer server) {
    this.server = server;
    token = server.token("practitioner");
    HttpResponse<String> r = Http.send("POST", server.baseUrl() + "/Patient", token, JSON, P + "\"active\":true}");
    assertThat(r.statusCode()).isEqualTo(201);
    existing = json(r.body()).path("id").asText();
  }

  private static String tx(String entry) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entry + "]}";
  }

  private static String post(String resource) {
    return "{\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}";
  }

  /**
   * name, method, path (relative to the base; "{id}" is an existing Patient), body, the element the
   * OperationOutcome names ("" where the problem is the whole body or HAPI's message names it).
   */
  static Stream<Arguments> bodies() {
    String deep = "[{\"url\":\"http://x\",\"extension\":".repeat(3000)
        + "[{\"url\":\"http://x\",\"valueString\":\"y\"}]" + "}]".repeat(3000);
    String justTooDeep = "[{\"url\":\"http://x\",\"extension\":".repeat(50) + "[{\"url\":\"http://x\",\"valueString\":"
        + "\"y\"}]" + "}]".repeat(50);
    return Stream.of(
        // nulls
        Arguments.of("null in extension", "POST", "/Patient", P + "\"extension\":[null]}", "Patient.extension[0]"),
        Arguments.of("null in name", "POST", "/Patient", P + "\"name\":[null]}", "Patient.name[0]"),
        Arguments.of("null in given without _given", "POST", "/Patient", P + "\"name\":[{\"given\":[\"a\",null]}]}",
            "Patient.name[0].given[1]"),
        Arguments.of("null in _given without given", "POST", "/Patient", P + "\"name\":[{\"_given\":[null]}]}",
            "Patient.name[0]._given[0]"),
        Arguments.of("null property", "POST", "/Patient", P + "\"active\":null}", "Patient.active"),
        Arguments.of("null narrative", "POST", "/Patient", P + "\"text\":null}", "Patient.text"),
        Arguments.of("null contained", "POST", "/Patient", P + "\"contained\":[null]}", "Patient.contained[0]"),
        Arguments.of("null bundle entry", "POST", "", tx("null"), "Bundle.entry[0]"),
        Arguments.of("null entry resource", "POST", "", tx("{\"resource\":null,\"request\":{\"method\":\"POST\","
            + "\"url\":\"Patient\"}}"), "Bundle.entry[0].resource"),
        Arguments.of("null resourceType", "POST", "/Patient", "{\"resourceType\":null}", "Patient.resourceType"),
        // nesting
        Arguments.of("3,000 nested extensions", "POST", "/Patient", P + "\"extension\":" + deep + "}",
            "extension[0]: nested deeper than 100 levels"),
        Arguments.of("101 levels", "POST", "/Patient", P + "\"extension\":" + justTooDeep + "}",
            "extension[0]: nested deeper than 100 levels"),
        Arguments.of("2,000 nested XHTML elements", "POST", "/Patient", P + "\"text\":{\"status\":\"generated\","
            + "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">" + "<b>".repeat(2000) + "x"
            + "</b>".repeat(2000) + "</div>\"}}", ""),
        Arguments.of("4 MB of open brackets", "POST", "/Patient", P + "\"extension\":" + "[".repeat(4_000_000), ""),
        // numbers
        Arguments.of("huge exponent", "POST", "/Observation", O + "\"valueQuantity\":{\"value\":1e1000}}",
            "Observation.valueQuantity.value"),
        Arguments.of("NaN", "POST", "/Observation", O + "\"valueQuantity\":{\"value\":NaN}}",
            "Observation.valueQuantity.value"),
        Arguments.of("Infinity", "POST", "/Observation", O + "\"valueQuantity\":{\"value\":Infinity}}",
            "Observation.valueQuantity.value"),
        Arguments.of("-Infinity", "POST", "/Observation", O + "\"valueQuantity\":{\"value\":-Infinity}}",
            "Observation.valueQuantity.value"),
        Arguments.of("hex number", "POST", "/Observation", O + "\"valueQuantity\":{\"value\":0x10}}",
            "Observation.valueQuantity.value"),
        Arguments.of("leading zeros", "POST", "/Observation", O + "\"valueQuantity\":{\"value\":007}}",
            "Observation.valueQuantity.value"),
        Arguments.of("integer with exponent", "POST", "/Observation", O + "\"valueInteger\":1e3}",
            "Observation.valueInteger"),
        Arguments.of("integer out of 32 bits", "POST", "/Observation", O + "\"valueInteger\":12345678901}", ""),
        // characters
        Arguments.of("raw control character", "POST", "/Patient", P + "\"name\":[{\"family\":\"a\u0001b\"}]}",
            "Patient.name[0].family"),
        Arguments.of("lone surrogate", "POST", "/Patient", P + "\"name\":[{\"family\":\"a\\ud800b\"}]}",
            "Patient.name[0].family"),
        Arguments.of("empty string", "POST", "/Patient", P + "\"name\":[{\"family\":\"\"}]}",
            "Patient.name[0].family"),
        // wrong JSON types
        Arguments.of("boolean as string", "POST", "/Patient", P + "\"active\":\"true\"}", "Patient.active"),
        Arguments.of("single value as array", "POST", "/Patient", P + "\"gender\":[\"male\"]}", "Patient.gender"),
        Arguments.of("array as object", "POST", "/Patient", P + "\"name\":{\"family\":\"x\"}}", "Patient.name"),
        Arguments.of("decimal as string", "POST", "/Observation", O + "\"valueQuantity\":{\"value\":\"1.5\"}}",
            "Observation.valueQuantity.value"),
        Arguments.of("id as number", "POST", "/Patient", P + "\"id\":5}", "Patient.id"),
        Arguments.of("resourceType as number", "POST", "/Patient", "{\"resourceType\":5}", "resourceType"),
        Arguments.of("narrative div as object", "POST", "/Patient", P + "\"text\":{\"status\":\"generated\","
            + "\"div\":{\"p\":1}}}", "Patient.text.div"),
        Arguments.of("extension value of the wrong type", "POST", "/Patient", P + "\"extension\":[{\"url\":"
            + "\"http://x\",\"valueBoolean\":\"yes\"}]}", "Patient.extension[0].valueBoolean"),
        // empty containers, duplicates, structure
        Arguments.of("empty array", "POST", "/Patient", P + "\"name\":[]}", "Patient.name"),
        Arguments.of("empty object", "POST", "/Patient", P + "\"meta\":{}}", "Patient.meta"),
        Arguments.of("empty resource", "POST", "/Patient", "{}", ""),
        Arguments.of("duplicate key", "POST", "/Patient", P + "\"active\":true,\"active\":false}", "Patient.active"),
        Arguments.of("duplicate resourceType", "POST", "/Patient", P + "\"resourceType\":\"Observation\"}",
            "resourceType"),
        Arguments.of("content after the resource", "POST", "/Patient", P + "\"active\":true} {\"a\":1}", ""),
        Arguments.of("JSON string instead of a resource", "POST", "/Patient", "\"Patient\"", ""),
        // contained resources and bundle entries with bad content
        Arguments.of("contained of an unknown type", "POST", "/Patient", P + "\"contained\":[{\"resourceType\":"
            + "\"NoSuchType\",\"id\":\"c\"}]}", ""),
        Arguments.of("contained without resourceType", "POST", "/Patient", P + "\"contained\":[{\"id\":\"c\"}]}", ""),
        Arguments.of("contained with bad content", "POST", "/Patient", P + "\"contained\":[{\"resourceType\":"
            + "\"Patient\",\"id\":\"c\",\"active\":\"yes\"}]}", "Patient.contained[0].active"),
        Arguments.of("transaction entry with bad content", "POST", "", tx(post(P + "\"active\":true}") + ","
            + post(P + "\"name\":[null]}")), "Bundle.entry[1].resource.name[0]"),
        Arguments.of("batch entry resource as array", "POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"batch\","
            + "\"entry\":[{\"resource\":[" + P + "\"active\":true}],\"request\":{\"method\":\"POST\",\"url\":"
            + "\"Patient\"}}]}", "Bundle.entry[0].resource"),
        // strings too long for what they are (inside the 6 MB limit)
        Arguments.of("4 MB date", "POST", "/Patient", P + "\"birthDate\":\"" + "1".repeat(4_000_000) + "\"}", ""),
        Arguments.of("4 MB id", "PUT", "/Patient/x", P + "\"id\":\"" + "x".repeat(4_000_000) + "\"}", ""),
        // the result of a PATCH goes through the same checks
        Arguments.of("patch adding a null", "PATCH", "/Patient/{id}",
            "[{\"op\":\"add\",\"path\":\"/extension\",\"value\":[null]}]", "Patient.extension[0]"),
        Arguments.of("patch adding a boolean as string", "PATCH", "/Patient/{id}",
            "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":\"false\"}]", "Patient.active"),
        Arguments.of("patch adding a huge number", "PATCH", "/Patient/{id}",
            "[{\"op\":\"add\",\"path\":\"/multipleBirthInteger\",\"value\":1e400}]", "Patient.multipleBirthInteger"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void refusedWith4xxNamingTheElementAndNothingWritten(String name, String method, String path, String body,
      String element) throws InterruptedException {
    Thread.sleep(2);
    Instant before = Instant.now();
    String contentType = method.equals("PATCH") ? "application/json-patch+json" : JSON;

    HttpResponse<String> r = Http.send(method, server.baseUrl() + path.replace("{id}", existing), token, contentType,
        body);

    assertThat(r.statusCode()).as("%s: %s", name, r.body()).isBetween(400, 499);
    JsonNode outcome = json(r.body());
    assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
    String diagnostics = outcome.path("issue").get(0).path("diagnostics").asText();
    assertThat(diagnostics).isNotBlank();
    if (!element.isEmpty()) {
      // "Element: why", the element exactly (a row may give the start of the why as well).
      assertThat(diagnostics).as(name).contains(element.contains(": ") ? element : element + ": ");
    }
    assertNothingWrittenSince(before);
  }

  @Test
  void invalidUtf8IsRefused() throws Exception {
    Instant before = Instant.now();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write((P + "\"name\":[{\"family\":\"M").getBytes(StandardCharsets.UTF_8));
    body.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte followed by a byte that cannot continue it
    body.write("ller\"}]}".getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Patient"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).header("Content-Type", JSON)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();

    HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("not valid UTF-8 (at byte 46)");
    assertNothingWrittenSince(before);
  }

  private void assertNothingWrittenSince(Instant before) {
    HttpResponse<String> history = Http.send("GET", server.baseUrl() + "/_history?_since=" + before, token, null,
        null);
    assertThat(history.statusCode()).isEqualTo(200);
    assertThat(json(history.body()).path("entry")).isEmpty();
  }

  private static JsonNode json(String body) {
    try {
      return SearchClient.JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
