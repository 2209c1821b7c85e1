package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decimals are accepted within fixed bounds (at most 250 digits before and 300 after the decimal
 * point, exponents counted): beyond them every way of writing a resource answers 400 naming the
 * element and the limit, and writes nothing; within them a value is stored, read back, listed in
 * history and found by search exactly as sent.
 */
@ExtendWith(LocalStack.class)
class DecimalLimitsTest {

  private static final String JSON = "application/fhir+json";
  private static final String LIMIT = "at most 250 digits before and 300 after the decimal point";

  private static String observation(String id, String value) {
    return "{\"resourceType\":\"Observation\"," + (id == null ? "" : "\"id\":\"" + id + "\",")
        + "\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueQuantity\":{\"value\":" + value + "}}";
  }

  private static String entry(String method, String url, String resource) {
    return "{" + (resource == null ? "" : "\"resource\":" + resource + ",") + "\"request\":{\"method\":\"" + method
        + "\",\"url\":\"" + url + "\"}}";
  }

  static Stream<Arguments> outOfRange() {
    return Stream.of("1e1000", "1e250", "1E+2147483647", "1e-301", "0e-301", "-1" + "0".repeat(250) + ".5",
        "0." + "0".repeat(300) + "1").map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outOfRange")
  void outOfRangeDecimalsAreRefusedEverywhereNamingTheElement(String value, LocalFhirServer server) {
    String token = server.token("practitioner");
    String base = server.baseUrl();
    Instant before = Instant.now();
    String id = "dec-" + Math.abs(value.hashCode());
    String expression = "Observation.valueQuantity.value";

    assertRefused(Http.send("POST", base + "/Observation", token, JSON, observation(null, value)), expression);
    assertRefused(Http.send("PUT", base + "/Observation/" + id, token, JSON, observation(id, value)), expression);
    assertRefused(Http.send("PUT", base + "/Observation?_id=" + id, token, JSON, observation(id, value)),
        expression);
    assertRefused(Http.send("POST", base, token, JSON, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
        + "\"entry\":[" + entry("POST", "Observation", observation(null, "1")) + ","
        + entry("POST", "Observation", observation(null, value)) + "]}"),
        "Bundle.entry[1].resource.valueQuantity.value");
    assertRefused(Http.send("POST", base, token, JSON, "{\"resourceType\":\"Bundle\",\"type\":\"batch\","
        + "\"entry\":[" + entry("POST", "Observation", observation(null, value)) + "]}"),
        "Bundle.entry[0].resource.valueQuantity.value");
    // Deeper inside: the path carries the indexes.
    assertRefused(Http.send("POST", base + "/Observation", token, JSON, "{\"resourceType\":\"Observation\","
        + "\"status\":\"final\",\"code\":{\"text\":\"x\"},\"component\":[{\"code\":{\"text\":\"a\"},"
        + "\"valueQuantity\":{\"value\":1}},{\"code\":{\"text\":\"b\"},\"valueQuantity\":{\"value\":" + value
        + "}}]}"), "Observation.component[1].valueQuantity.value");

    // A PATCH that would store the value is refused as well, naming the element.
    HttpResponse<String> created = Http.send("POST", base + "/Observation", token, JSON, observation(null, "2"));
    assertThat(created.statusCode()).isEqualTo(201);
    String createdId = json(created.body()).path("id").asText();
    HttpResponse<String> patch = Http.send("PATCH", base + "/Observation/" + createdId, token,
        "application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/valueQuantity/value\",\"value\":" + value
            + "}]");
    assertThat(patch.statusCode()).as(patch.body()).isBetween(400, 499);
    assertThat(patch.body()).contains(expression).contains(LIMIT);

    // Nothing but the one good Observation was written.
    JsonNode history = SearchClient.bundle(Http.send("GET", base + "/_history?_count=500&_since=" + before, token,
        null, null));
    assertThat(history.path("entry")).hasSize(1);
    assertThat(history.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(createdId);
  }

  @Test
  void aNumberTooLongForJsonParsersIsRefusedNamingTheElement(LocalFhirServer server) {
    HttpResponse<String> r = Http.send("POST", server.baseUrl() + "/Observation", server.token("practitioner"),
        JSON, observation(null, "1" + "0".repeat(1500)));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Observation.valueQuantity.value").contains("Number value length (1501)");
  }

  @Test
  void decimalsWithinRangeAreStoredReadListedAndFoundAsSent(LocalFhirServer server) {
    SearchClient c = new SearchClient(server, "practitioner");
    String token = c.token();
    String base = server.baseUrl();
    // The largest and smallest, the specification's own test values (Observation-decimal), precision.
    Map<String, String> sent = Map.of("largest", "-9.5e249", "smallest", "1e-300", "spec-big",
        "-1.000000000000000000E+245", "spec-small", "1.000000000000000000E-245", "precise", "1.50", "zero", "0.000");
    Map<String, String> ids = new java.util.HashMap<>();
    sent.forEach((label, value) -> {
      // Sent as written (a JSON library on the client side would turn 1.50 into 1.5).
      HttpResponse<String> r = Http.send("POST", base + "/Observation", token, JSON, observation(null, value)
          .replace("\"status\"", "\"meta\":{\"tag\":[{\"system\":\"" + c.tagSystem + "\",\"code\":\"" + c.tag
              + "\"}]},\"status\""));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      ids.put(label, json(r.body()).path("id").asText());
    });

    for (Map.Entry<String, String> e : sent.entrySet()) {
      String id = ids.get(e.getKey());
      HttpResponse<String> read = Http.send("GET", base + "/Observation/" + id, token, null, null);
      assertThat(read.statusCode()).isEqualTo(200);
      String stored = quantityText(read.body());
      assertThat(new BigDecimal(stored)).as(e.getKey()).isEqualByComparingTo(new BigDecimal(e.getValue()));
      assertThat(Http.send("GET", base + "/Observation/" + id + "/_history", token, null, null).statusCode())
          .isEqualTo(200);
    }
    // FHIR's precision survives: 1.50 is not 1.5, also after a PATCH of another element.
    assertThat(quantityText(Http.send("GET", base + "/Observation/" + ids.get("precise"), token, null, null).body()))
        .isEqualTo("1.50");
    HttpResponse<String> patched = Http.send("PATCH", base + "/Observation/" + ids.get("precise"), token,
        "application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(quantityText(patched.body())).isEqualTo("1.50");
    assertThat(Http.send("GET", base + "/Observation/_history?_count=500", token, null, null).statusCode())
        .isEqualTo(200);

    // Indexed and found: the largest value, and the smallest ones by range.
    assertThat(c.matches("/Observation", "value-quantity=-9.5e249")).containsExactly(ids.get("largest"));
    assertThat(c.matches("/Observation", "value-quantity=lt1e-200&value-quantity=gt0"))
        .containsExactlyInAnyOrder(ids.get("smallest"), ids.get("spec-small"));
  }

  private static void assertRefused(HttpResponse<String> r, String expression) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode issue = json(r.body()).path("issue").get(0);
    assertThat(issue.path("diagnostics").asText()).startsWith(expression + ": ").contains(LIMIT);
    assertThat(issue.path("expression").get(0).asText()).isEqualTo(expression);
  }

  /** The raw text of valueQuantity.value, as the server wrote it. */
  private static String quantityText(String json) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"valueQuantity\":\\{[^}]*\"value\":([-0-9.eE+]+)")
        .matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return m.group(1);
  }

  private static JsonNode json(String body) {
    try {
      return SearchClient.JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
