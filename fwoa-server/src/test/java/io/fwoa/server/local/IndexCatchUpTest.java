package io.fwoa.server.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.support.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fwoa:run keeps its data between runs: changes the table took but the index did not (the
 * indexing failed, the server was stopped or killed) are searchable after the next start.
 */
class IndexCatchUpTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  @Test
  void changesTheIndexNeverTookAreSearchableAfterARestart() {
    String lost = "Lost" + UUID.randomUUID().toString().replace("-", "");
    String family = "Stale" + UUID.randomUUID().toString().replace("-", "");
    IndexingHook hook = new IndexingHook();
    try (LocalFhirServer server = start(hook)) {
      String token = server.token("practitioner");
      String id = id(create(server, token, patient(family, "one")));
      hook.fail(lost, Integer.MAX_VALUE); // the index stays down for these until the server stops
      HttpResponse<String> created = create(server, token, patient(lost, "one"));
      assertThat(created.headers().firstValue("Warning")).isPresent();
      ObjectNode two = patient(family, "two" + lost);
      two.put("id", id);
      HttpResponse<String> updated = Http.send("PUT", server.baseUrl() + "/Patient/" + id, token,
          "application/fhir+json", two.toString());
      assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
      assertThat(updated.headers().firstValue("Warning")).isPresent();
      // Later requests retry them until they are given up on; the index has the old version.
      assertThat(total(server, token, "family=" + lost)).isZero();
      assertThat(total(server, token, "family=" + family + "&given=one")).isEqualTo(1);
      assertThat(server.unsearchableChanges()).isEqualTo(2);
    }
    try (LocalFhirServer server = start(null)) {
      String token = server.token("practitioner");
      assertThat(total(server, token, "family=" + lost)).isEqualTo(1);
      assertThat(total(server, token, "family=" + family + "&given=two" + lost)).isEqualTo(1);
      assertThat(total(server, token, "family=" + family + "&given=one")).isZero();
      assertThat(server.startupCatchUp().indexed()).as("versions the start indexed").isEqualTo(2);
    }
  }

  @Test
  void changesQueuedWhenTheServerStopsAreIndexedBeforeItStops() {
    String queued = "Queued" + UUID.randomUUID().toString().replace("-", "");
    IndexingHook hook = new IndexingHook();
    try (LocalFhirServer server = start(hook)) {
      String token = server.token("practitioner");
      hook.fail(queued, 1);
      assertThat(create(server, token, patient(queued, "one")).headers().firstValue("Warning")).isPresent();
      assertThat(server.unsearchableChanges()).isEqualTo(1);
      // No request retries it: the stop must.
    }
    try (LocalFhirServer server = start(null)) {
      String token = server.token("practitioner");
      assertThat(server.startupCatchUp()).as("the last run stopped with an index holding every change").isNull();
      assertThat(total(server, token, "family=" + queued)).isEqualTo(1);
    }
  }

  private LocalFhirServer start(IndexingHook hook) {
    LocalFhirServer.Options o = new LocalFhirServer.Options(data, 0, null, false, Map.of(), LocalLog.SILENT);
    return LocalFhirServer.start(hook == null ? o : o.withStreamHandler(hook));
  }

  static ObjectNode patient(String family, String given) {
    ObjectNode p = JSON.createObjectNode().put("resourceType", "Patient");
    p.putArray("name").addObject().put("family", family).putArray("given").add(given);
    return p;
  }

  static HttpResponse<String> create(LocalFhirServer server, String token, ObjectNode patient) {
    HttpResponse<String> r = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        patient.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r;
  }

  static String id(HttpResponse<String> created) {
    try {
      return JSON.readTree(created.body()).get("id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int total(LocalFhirServer server, String token, String query) {
    HttpResponse<String> r = Http.send("GET", server.baseUrl() + "/Patient?" + query + "&_total=accurate", token,
        null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    try {
      return JSON.readTree(r.body()).path("total").asInt(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
