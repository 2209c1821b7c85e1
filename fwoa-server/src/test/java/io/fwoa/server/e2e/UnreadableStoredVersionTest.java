package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.search.index.Mappings;
import io.fwoa.server.storage.dynamo.TableSchema;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch._types.Refresh;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A stored version the server cannot serve (written before a rule existed, damaged, or written
 * around the API: here straight into the table and the index) never fails more than itself:
 * history pages (instance, type, system), batch and transaction reads, searches and includes serve
 * everything else and say which version cannot be read; reading it answers 409 with a way out, and
 * a PUT repairs it.
 */
@ExtendWith(LocalStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreadableStoredVersionTest {

  private static final String JSON = "application/fhir+json";
  /** What HAPI wrote for 1e1000 before decimals were bounded: 1,001 digits no JSON parser here reads. */
  private static final String HUGE_NUMBER = "{\"resourceType\":\"Observation\",\"id\":\"%s\",\"meta\":{\"versionId\":"
      + "\"2\",\"lastUpdated\":\"2024-01-01T00:00:00.000Z\"},\"status\":\"final\",\"code\":{\"text\":\"x\"},"
      + "\"valueQuantity\":{\"value\":1" + "0".repeat(1000) + "}}";

  private LocalFhirServer server;
  private SearchClient c;
  private String token;
  private String base;
  private Instant before;
  private String bad; // Observation whose version 2 holds HUGE_NUMBER
  private String truncated; // Observation whose only version is cut short
  private String good;

  @BeforeAll
  void storeDamagedVersions(LocalFhirServer server) {
    this.server = server;
    c = new SearchClient(server, "practitioner");
    token = c.token();
    base = server.baseUrl();
    before = Instant.now();
    String patient = c.create("patient", "{\"resourceType\":\"Patient\",\"active\":true}");
    String obs = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"Patient/" + patient + "\"},\"valueQuantity\":{\"value\":1}}";
    good = c.create("good", obs);
    bad = c.create("bad", obs);
    truncated = c.create("truncated", obs);
    HttpResponse<String> update = Http.send("PUT", base + "/Observation/" + bad, token, JSON,
        obs.replace("{\"resourceType\":\"Observation\",", "{\"resourceType\":\"Observation\",\"id\":\"" + bad + "\","));
    assertThat(update.statusCode()).isEqualTo(200);

    try (DynamoDbClient dynamo = ServerFactory.dynamo(server.config())) {
      overwrite(dynamo, server, "Observation/" + bad, 2, String.format(HUGE_NUMBER, bad));
      overwrite(dynamo, server, "Observation/" + truncated, 1, "{\"resourceType\":\"Observation\",\"id\":\""
          + truncated + "\",\"status\":\"fin");
    }
    // The indexed copy of "truncated" becomes one HAPI cannot parse (a null where an object belongs).
    ObjectNode partial = SearchClient.JSON.createObjectNode();
    partial.putObject("resource").putArray("extension").addNull();
    try {
      server.searchIndex().client().update(u -> u.index(Mappings.alias("Observation")).id(truncated).doc(partial)
          .refresh(Refresh.True), ObjectNode.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void overwrite(DynamoDbClient dynamo, LocalFhirServer server, String key, long vid, String json) {
    dynamo.updateItem(u -> u.tableName(server.config().resourceTable().orElseThrow())
        .key(Map.of(TableSchema.ID, AttributeValue.fromS(key), TableSchema.VID, AttributeValue.fromN(
            Long.toString(vid))))
        .updateExpression("SET #r = :r REMOVE #gz")
        .expressionAttributeNames(Map.of("#r", "resource", "#gz", "resourceGz"))
        .expressionAttributeValues(Map.of(":r", AttributeValue.fromS(json))));
  }

  @Test
  void historyPagesServeEveryOtherVersionAndSayWhichCannotBeRead() {
    for (String path : List.of("/Observation/" + bad + "/_history", "/Observation/_history", "/_history")) {
      HttpResponse<String> r = get(path + "?_count=500&_since=" + before);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      JsonNode entries = json(r.body()).path("entry");
      JsonNode badV2 = entry(entries, "Observation/" + bad, "2");
      assertThat(badV2.has("resource")).as(path).isFalse();
      assertThat(badV2.path("response").path("outcome").path("issue").get(0).path("diagnostics").asText())
          .contains("Version 2 of Observation/" + bad + " is stored in a form that cannot be served")
          .contains("Observation.valueQuantity.value");
      assertThat(entry(entries, "Observation/" + bad, "1").path("resource").path("id").asText()).isEqualTo(bad);
      if (!path.startsWith("/Observation/" + bad)) {
        assertThat(entry(entries, "Observation/" + truncated, "1").has("resource")).isFalse();
        assertThat(entry(entries, "Observation/" + good, "1").path("resource").path("id").asText()).isEqualTo(good);
      }
    }
  }

  @Test
  void readingTheVersionAnswers409WithAWayOutAndOtherVersionsStayReadable() {
    HttpResponse<String> read = get("/Observation/" + bad);
    assertThat(read.statusCode()).isEqualTo(409);
    assertThat(read.body()).contains("OperationOutcome").contains("cannot be served").contains("PUT");
    assertThat(get("/Observation/" + bad + "/_history/2").statusCode()).isEqualTo(409);
    assertThat(get("/Observation/" + truncated).statusCode()).isEqualTo(409);
    HttpResponse<String> v1 = get("/Observation/" + bad + "/_history/1");
    assertThat(v1.statusCode()).isEqualTo(200);
    assertThat(json(v1.body()).path("meta").path("versionId").asText()).isEqualTo("1");
    HttpResponse<String> patch = Http.send("PATCH", base + "/Observation/" + truncated, token,
        "application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]");
    assertThat(patch.statusCode()).as(patch.body()).isEqualTo(409);
  }

  @Test
  void batchAndTransactionReadsReportTheEntryAndServeTheOthers() {
    String reads = "[" + read("Observation/" + bad) + "," + read("Observation/" + bad + "/_history/1") + ","
        + read("Observation/" + bad + "/_history") + "," + read("Observation/" + good) + "]";
    HttpResponse<String> batch = Http.send("POST", base, token, JSON,
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":" + reads + "}");
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
    JsonNode entries = json(batch.body()).path("entry");
    assertThat(statuses(entries)).containsExactly("409", "200", "200", "200");
    assertThat(entries.get(0).path("response").path("outcome").path("issue").get(0).path("diagnostics").asText())
        .contains("cannot be served");
    assertThat(entries.get(3).path("resource").path("id").asText()).isEqualTo(good);

    String txReads = "[" + read("Observation/" + bad) + "," + read("Observation/" + good) + "]";
    HttpResponse<String> tx = Http.send("POST", base, token, JSON,
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":" + txReads + "}");
    assertThat(tx.statusCode()).as(tx.body()).isEqualTo(200);
    assertThat(statuses(json(tx.body()).path("entry"))).containsExactly("409", "200");
  }

  @Test
  void searchesAndIncludesServeEveryOtherMatchAndSayWhichCannotBeRead() {
    String patient = c.id("patient");
    JsonNode page = SearchClient.bundle(c.get("/Observation", "subject=Patient/" + patient, Map.of()));
    assertThat(ids(page, "match")).contains(good).doesNotContain(truncated);
    assertThat(outcome(page)).contains("Observation/" + truncated + " (match) cannot be served");

    JsonNode included = SearchClient.bundle(c.get("/Patient", "_id=" + patient + "&_revinclude=Observation:subject",
        Map.of()));
    assertThat(ids(included, "match")).containsExactly(patient);
    assertThat(ids(included, "include")).contains(good).doesNotContain(truncated);
    assertThat(outcome(included)).contains("Observation/" + truncated + " (include) cannot be served");
  }

  @Test
  void aBatchEntryThatFailsUnexpectedlyIsA500OfItsOwnAndTheOthersSucceed() {
    // Valid JSON by every rule the server checks, but HAPI cannot make a resource of it.
    String id = c.create("odd", "{\"resourceType\":\"Patient\",\"active\":true}");
    try (DynamoDbClient dynamo = ServerFactory.dynamo(server.config())) {
      overwrite(dynamo, server, "Patient/" + id, 1, "{\"resourceType\":\"Patient\",\"id\":\"" + id
          + "\",\"contained\":[{\"resourceType\":\"NoSuchType\",\"id\":\"c\"}]}");
    }
    String reads = "[" + read("Patient/" + id) + "," + read("Observation/" + good) + "]";
    HttpResponse<String> batch = Http.send("POST", base, token, JSON,
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":" + reads + "}");

    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
    JsonNode entries = json(batch.body()).path("entry");
    assertThat(statuses(entries)).containsExactly("500", "200");
    assertThat(entries.get(0).path("response").path("outcome").path("issue").get(0).path("diagnostics").asText())
        .contains("GET Patient/" + id).contains("failed unexpectedly");
    assertThat(entries.get(1).path("resource").path("id").asText()).isEqualTo(good);

    // In a transaction the same read is that entry's 409; the transaction itself stands.
    HttpResponse<String> tx = Http.send("POST", base, token, JSON,
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":" + reads + "}");
    assertThat(tx.statusCode()).as(tx.body()).isEqualTo(200);
    JsonNode txEntries = json(tx.body()).path("entry");
    assertThat(statuses(txEntries)).containsExactly("409", "200");
    assertThat(txEntries.get(0).path("response").path("outcome").path("issue").get(0).path("diagnostics").asText())
        .contains("Patient/" + id).contains("cannot be served");
  }

  @Test
  void aPutRepairsTheResource() {
    String id = c.create("repaired",
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}");
    try (DynamoDbClient dynamo = ServerFactory.dynamo(server.config())) {
      overwrite(dynamo, server, "Observation/" + id, 1, "{\"resourceType\":");
    }
    assertThat(get("/Observation/" + id).statusCode()).isEqualTo(409);

    HttpResponse<String> put = Http.send("PUT", base + "/Observation/" + id, token, JSON,
        "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"amended\",\"code\":{\"text\":\"x\"}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    HttpResponse<String> read = get("/Observation/" + id);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(json(read.body()).path("status").asText()).isEqualTo("amended");
  }

  // ------------------------------------------------------------------ helpers

  private HttpResponse<String> get(String path) {
    return Http.send("GET", base + path, token, null, null);
  }

  private static String read(String url) {
    return "{\"request\":{\"method\":\"GET\",\"url\":\"" + url + "\"}}";
  }

  private static List<String> statuses(JsonNode entries) {
    List<String> out = new ArrayList<>();
    entries.forEach(e -> out.add(e.path("response").path("status").asText().split(" ")[0]));
    return out;
  }

  private static JsonNode entry(JsonNode entries, String reference, String version) {
    for (JsonNode e : entries) {
      if (e.path("fullUrl").asText().endsWith("/" + reference)
          && e.path("response").path("etag").asText().equals("W/\"" + version + "\"")) {
        return e;
      }
    }
    throw new AssertionError("No entry for version " + version + " of " + reference + " in " + entries);
  }

  private static List<String> ids(JsonNode bundle, String mode) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : bundle.path("entry")) {
      if (mode.equals(e.path("search").path("mode").asText())) {
        out.add(e.path("resource").path("id").asText());
      }
    }
    return out;
  }

  private static String outcome(JsonNode bundle) {
    for (JsonNode e : bundle.path("entry")) {
      if ("outcome".equals(e.path("search").path("mode").asText())) {
        return e.path("resource").toString();
      }
    }
    return "";
  }

  private static JsonNode json(String body) {
    try {
      return SearchClient.JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
