package io.fwoa.server.search.stream;

import static io.fwoa.server.search.stream.StreamRecords.event;
import static io.fwoa.server.search.stream.StreamRecords.failures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.bench.DocumentBuildBench;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.search.index.Documents;
import io.fwoa.server.support.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Search documents stay bounded whatever a resource holds, through the stream Lambda into the
 * local OpenSearch node: at most {@value Documents#MAX_VALUES} distinct values per parameter (the
 * first ones: searches by them find the resource, searches by the rest do not), each distinct
 * value once, {@code _text} and {@code _content} cut at {@value Documents#MAX_TEXT} characters,
 * and a keyword cut never splits a character.
 */
@ExtendWith(LocalStack.class)
class DocumentBoundsTest {

  private StreamRecords records;
  private StreamIndexHandler handler;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    records = new StreamRecords(server);
    handler = new StreamIndexHandler(new StreamIndexer(server.searchIndex(), false, true, null));
  }

  private void index(String type, String id, String json) {
    StreamsEventResponse r = handler.handleRequest(event(records.insert(type, id, json)), null);
    assertThat(failures(r)).isEmpty();
  }

  @Test
  void aPatientWith200000NamesIsIndexedWithItsFirst1000() {
    // 4.4 MB, under the API's 6 MB request limit. Building its document used to take 20 minutes.
    String json = DocumentBuildBench.patient("many", 200_000);
    // A guard against a hang, not a speed target.
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> index("Patient", "many", json));
    JsonNode p = records.doc("many").path("_source").path("p");
    assertThat(p.path("family").path("n")).hasSize(Documents.MAX_VALUES);
    assertThat(p.path("family").path("n").get(999).asText()).isEqualTo("f0000999");
    for (String param : List.of("name", "phonetic")) {
      assertThat(p.path(param).path("n").size()).as(param).isEqualTo(Documents.MAX_VALUES);
    }
    assertThat(records.doc("many").path("_source").path("ft").path("content").asText().length())
        .isLessThanOrEqualTo(Documents.MAX_TEXT);
    assertThat(records.search("family", "F0000500")).containsExactly("many");
    assertThat(records.search("family", "F0150000")).isEmpty();
  }

  @Test
  void eachDistinctValueIsIndexedOnceUpToTheBound() {
    // 1,500 distinct families, each twice, all with the same given name twice.
    StringBuilder json = new StringBuilder("{\"resourceType\":\"Patient\",\"id\":\"dups\",\"name\":[");
    for (int i = 0; i < 3_000; i++) {
      json.append(i == 0 ? "" : ",").append(String.format("{\"family\":\"Dup%04d\",\"given\":[\"Same\",\"Same\"]}",
          i / 2));
    }
    index("Patient", "dups", json.append("]}").toString());
    JsonNode p = records.doc("dups").path("_source").path("p");
    List<String> families = new ArrayList<>();
    p.path("family").path("n").forEach(n -> families.add(n.asText()));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < Documents.MAX_VALUES; i++) {
      expected.add(String.format("dup%04d", i));
    }
    assertThat(families).isEqualTo(expected);
    assertThat(p.path("given").path("n")).hasSize(1);
    assertThat(p.path("given").path("n").get(0).asText()).isEqualTo("same");
    assertThat(records.search("family", "Dup0999")).containsExactly("dups");
    assertThat(records.search("family", "Dup1000")).isEmpty();
  }

  @Test
  void quantitiesAndCompositesAreDistinctAndBounded() {
    // 1,500 distinct component values, each twice.
    StringBuilder json = new StringBuilder("{\"resourceType\":\"Observation\",\"id\":\"bp\",\"status\":\"final\","
        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]},\"component\":[");
    for (int i = 0; i < 3_000; i++) {
      json.append(i == 0 ? "" : ",").append("{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":"
          + "\"8480-6\"}]},\"valueQuantity\":{\"value\":").append(i / 2).append(",\"system\":"
          + "\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}");
    }
    index("Observation", "bp", json.append("]}").toString());
    JsonNode p = records.doc("Observation", "bp").path("_source").path("p");
    JsonNode values = p.path("component-value-quantity");
    assertThat(values).hasSize(Documents.MAX_VALUES);
    HashSet<Double> distinct = new HashSet<>();
    values.forEach(v -> distinct.add(v.path("v").asDouble()));
    assertThat(distinct).hasSize(Documents.MAX_VALUES).contains(0.0, 999.0);
    JsonNode combinations = p.path("component-code-value-quantity");
    assertThat(combinations).hasSize(Documents.MAX_COMBINATIONS);
    assertThat(new HashSet<>(toList(combinations))).hasSize(Documents.MAX_COMBINATIONS);
    assertThat(records.search("Observation", "component-value-quantity", "999")).containsExactly("bp");
    assertThat(records.search("Observation", "component-value-quantity", "1400")).isEmpty();
  }

  @Test
  void textAndContentKeepTheirFirst64KiCharacters() {
    String filler = "filler ".repeat(10_000); // 70,000 characters
    String json = "{\"resourceType\":\"Patient\",\"id\":\"wordy\",\"text\":{\"status\":\"generated\",\"div\":"
        + "\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">firstnarrative " + filler + " lastnarrative</div>\"},"
        + "\"name\":[{\"family\":\"Firstword\",\"text\":\"" + filler + "\"},{\"family\":\"Lastword\"}]}";
    index("Patient", "wordy", json);
    JsonNode ft = records.doc("wordy").path("_source").path("ft");
    assertThat(ft.path("text").asText().length()).isLessThanOrEqualTo(Documents.MAX_TEXT);
    assertThat(ft.path("content").asText().length()).isLessThanOrEqualTo(Documents.MAX_TEXT);
    assertThat(records.search("_text", "firstnarrative")).containsExactly("wordy");
    assertThat(records.search("_text", "lastnarrative")).isEmpty();
    assertThat(records.search("_content", "firstword")).containsExactly("wordy");
    assertThat(records.search("_content", "lastword")).isEmpty();
  }

  @Test
  void aKeywordCutAtItsLimitKeepsWholeCharacters() {
    // The 512-character keyword limit falls inside the emoji's surrogate pair.
    String family = "a".repeat(511) + "\uD83D\uDE00" + "tail";
    index("Patient", "emoji", StreamRecords.patient("emoji", family));
    JsonNode p = records.doc("emoji").path("_source").path("p");
    assertThat(p.path("family").path("e").get(0).asText()).isEqualTo("a".repeat(511));
    assertThat(records.search("family", "aaaa")).containsExactly("emoji");
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
