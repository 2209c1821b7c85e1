package io.fwoa.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every numeric (and otherwise unbounded) search input a client controls is bounded: out of
 * bounds it answers 400 naming the parameter, at once (a huge exponent used to take 39 s or end
 * in a 500), on its own and as one entry of a batch whose other entries still succeed.
 */
@ExtendWith(LocalStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchInputBoundsTest {

  private SearchClient c;
  private String patient;

  @BeforeAll
  void data(LocalFhirServer server) {
    c = new SearchClient(server, "practitioner");
    patient = c.create("patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-01-01\"}");
    c.create("risk", "{\"resourceType\":\"RiskAssessment\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/"
        + patient + "\"},\"prediction\":[{\"probabilityDecimal\":0.25}]}");
  }

  static Stream<Arguments> outOfBounds() {
    String forgedPage = Base64.getUrlEncoder().withoutPadding().encodeToString("[1e400,\"x\"]"
        .getBytes(StandardCharsets.UTF_8));
    String otherSearchesPage = Base64.getUrlEncoder().withoutPadding().encodeToString("[1,2,3,4,5]"
        .getBytes(StandardCharsets.UTF_8));
    String manyIds = IntStream.range(0, 1001).mapToObj(i -> "id" + i).collect(Collectors.joining(","));
    String manyIncludes = IntStream.range(0, 21).mapToObj(i -> "_include=RiskAssessment:subject")
        .collect(Collectors.joining("&"));
    return Stream.of(
        Arguments.of("RiskAssessment", "probability=1e10000000", "probability"),
        Arguments.of("RiskAssessment", "probability=1e2147483647", "probability"),
        Arguments.of("RiskAssessment", "probability=gt1e-2147483647", "probability"),
        Arguments.of("RiskAssessment", "probability=ap1E+999", "probability"),
        Arguments.of("Observation", "value-quantity=1e999999|http://unitsofmeasure.org|mg", "value-quantity"),
        Arguments.of("Observation", "value-quantity=lt-1e300||kg", "value-quantity"),
        Arguments.of("Observation", "code-value-quantity=http://loinc.org|8480-6$1e999999", "code-value-quantity"),
        Arguments.of("Observation", "component-value-quantity=1e-400", "component-value-quantity"),
        Arguments.of("Patient", "birthdate=notadate", "birthdate"),
        Arguments.of("Patient", "birthdate=gt99999-01-01", "birthdate"),
        Arguments.of("Patient", "_count=99999999999", "_count"),
        Arguments.of("Patient", "_page=" + forgedPage, "_page"),
        Arguments.of("Patient", "_page=" + otherSearchesPage, "_page"),
        Arguments.of("Patient", "_id=" + manyIds, "1000 values"),
        Arguments.of("Patient", "family=" + "x".repeat(5000), "family"),
        Arguments.of("RiskAssessment", manyIncludes, "_include"),
        Arguments.of("Patient", "_sort=" + "birthdate,".repeat(11), "_sort"));
  }

  @ParameterizedTest(name = "{0}?{2}")
  @MethodSource("outOfBounds")
  void refusedWith400NamingTheParameter(String type, String query, String named) {
    HttpResponse<String> r = c.get("/" + type, query, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(diagnostics(json(r.body()))).contains(named);
  }

  @ParameterizedTest(name = "batch: {0}?{2}")
  @MethodSource("outOfBounds")
  void inABatchOnlyThatEntryFails(String type, String query, String named) {
    String url = type + "?" + SearchClient.encode(query) + "&_tag=" + SearchClient.enc(c.tagSystem + "|" + c.tag);
    String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + patient + "\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"" + url.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"RiskAssessment?subject=Patient/" + patient + "\"}}]}";
    HttpResponse<String> r = Http.send("POST", c.base(), c.token(), "application/fhir+json", batch);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode entries = json(r.body()).path("entry");
    assertThat(entries.get(0).path("response").path("status").asText()).startsWith("200");
    assertThat(entries.get(0).path("resource").path("id").asText()).isEqualTo(patient);
    assertThat(entries.get(1).path("response").path("status").asText()).startsWith("400");
    assertThat(diagnostics(entries.get(1).path("response").path("outcome"))).contains(named);
    assertThat(entries.get(2).path("response").path("status").asText()).startsWith("200");
    assertThat(entries.get(2).path("resource").path("total").asInt()).isEqualTo(1);
  }

  @Test
  void aUnitWithAHugePowerIsComparedAsStoredInsteadOfConverted() {
    // UCUM's conversion of 10*1000 takes minutes: the unit is indexed and searched as written.
    c.create("huge-unit", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":"
        + "\"count\"},\"valueQuantity\":{\"value\":5,\"system\":\"http://unitsofmeasure.org\",\"code\":\"10*1000\"}}");
    assertThat(c.matches("/Observation", "value-quantity=5|http://unitsofmeasure.org|10*1000"))
        .containsExactly("huge-unit");
    // Real units still convert: 5 mg is found as 0.005 g.
    c.create("mg", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":"
        + "\"mass\"},\"valueQuantity\":{\"value\":5,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mg\"}}");
    assertThat(c.matches("/Observation", "value-quantity=0.005|http://unitsofmeasure.org|g")).containsExactly("mg");
  }

  @Test
  void aConversionBeyondTheRangeOfDoublesIsNotMade() {
    // 1e249 × (6e23)^3 is no double: the value is indexed and searched as written (it was not indexed).
    c.create("overflow", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":"
        + "\"count\"},\"valueQuantity\":{\"value\":1e249,\"system\":\"http://unitsofmeasure.org\",\"code\":"
        + "\"mol.mol.mol\"}}");
    assertThat(c.matches("/Observation", "value-quantity=1e249|http://unitsofmeasure.org|mol.mol.mol"))
        .containsExactly("overflow");
  }

  @Test
  void valuesWithinBoundsStillMatch() {
    assertThat(c.matches("/RiskAssessment", "probability=0.25")).containsExactly("risk");
    assertThat(c.matches("/RiskAssessment", "probability=gt1e-300")).containsExactly("risk");
    assertThat(c.matches("/RiskAssessment", "probability=lt9e249")).containsExactly("risk");
  }

  private static String diagnostics(JsonNode outcome) {
    StringBuilder b = new StringBuilder();
    outcome.path("issue").forEach(i -> b.append(i.path("diagnostics").asText()).append('\n'));
    return b.toString();
  }

  private static JsonNode json(String body) {
    try {
      return SearchClient.JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
