package io.fwoa.server.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Under concurrency, a write is still searchable as soon as its response arrives. */
@ExtendWith(LocalStack.class)
class LocalSearchVisibilityTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyClientFindsItsOwnWriteRightAfterTheResponse(LocalFhirServer server) throws Exception {
    String token = server.token("practitioner");
    int clients = 4;
    int rounds = 50;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        results.add(pool.submit(() -> {
          List<String> missed = new ArrayList<>();
          for (int i = 0; i < rounds; i++) {
            String family = "Seen" + UUID.randomUUID().toString().replace("-", "");
            HttpResponse<String> created = Http.send("POST", server.baseUrl() + "/Patient", token,
                "application/fhir+json", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<String> found = Http.send("GET", server.baseUrl() + "/Patient?family=" + family
                + "&_total=accurate", token, null, null);
            if (found.statusCode() != 200 || JSON.readTree(found.body()).path("total").asInt() != 1) {
              missed.add(family);
            }
          }
          return missed;
        }));
      }
      List<String> missed = new ArrayList<>();
      for (Future<List<String>> f : results) {
        missed.addAll(f.get());
      }
      assertThat(missed).as("writes a search right after their response did not find").isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }
}
