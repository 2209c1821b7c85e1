package io.fwoa.server.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.support.Http;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local server's indexing of each request's writes, with a stream handler the test can hold
 * up or fail: requests do not queue behind another request's indexing, and a change the index
 * could not take is reported on the response and indexed by a later request.
 */
class LocalFlushTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final IndexingHook hook = new IndexingHook();
  static LocalFhirServer server;
  static String token;

  @BeforeAll
  static void start() {
    server = LocalFhirServer.start(LocalFhirServer.Options.inMemory().withStreamHandler(hook));
    token = server.token("practitioner");
  }

  @AfterAll
  static void stop() {
    hook.release();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRequestWhoseIndexingIsSlowHoldsUpNoOtherRequest() throws Exception {
    String slow = "Slow" + UUID.randomUUID().toString().replace("-", "");
    String quick = "Quick" + UUID.randomUUID().toString().replace("-", "");
    hook.hold(slow);
    CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> create(slow));
    try {
      assertThat(hook.awaitHeld()).as("the first request's indexing started").isTrue();
      // While it is held: another client writes and finds its write, and reads the metadata.
      CompletableFuture<int[]> other = CompletableFuture.supplyAsync(() -> new int[] {
          create(quick).statusCode(), total(quick),
          Http.send("GET", server.baseUrl() + "/metadata", null, null, null).statusCode()});
      // Bounded only so that a server that serializes requests fails here instead of hanging.
      int[] results = other.get(90, TimeUnit.SECONDS);
      assertThat(results).containsExactly(201, 1, 200);
      assertThat(held).as("the first request is still being indexed").isNotDone();
    } finally {
      hook.release();
    }
    assertThat(held.get(90, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    assertThat(total(slow)).isEqualTo(1);
  }

  @Test
  void aFailedIndexingIsReportedAndALaterRequestIndexesTheChange() {
    String flaky = "Flaky" + UUID.randomUUID().toString().replace("-", "");
    hook.fail(flaky, 1);
    HttpResponse<String> created = create(flaky);
    // Stored (durable, so 2xx), and the client is told it is not searchable yet.
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Warning")).hasValueSatisfying(w -> assertThat(w).isEqualTo(
        "199 fwoa \"1 change(s) are stored but not yet searchable: test: the search index is unavailable\""));
    assertThat(server.unsearchableChanges()).isEqualTo(1);
    // The next write's flush retries it.
    create("Other" + UUID.randomUUID().toString().replace("-", ""));
    assertThat(total(flaky)).isEqualTo(1);
    assertThat(server.unsearchableChanges()).isZero();
  }

  static HttpResponse<String> create(String family) {
    HttpResponse<String> r = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r;
  }

  static int total(String family) {
    HttpResponse<String> r = Http.send("GET", server.baseUrl() + "/Patient?family=" + family + "&_total=accurate",
        token, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    try {
      return JSON.readTree(r.body()).path("total").asInt(-1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
