package io.fwoa.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * fwoa:run refreshes the search index when a search needs it, not after every write: a search
 * must still find every write that was answered before it started, also while other clients
 * write and search at the same time (one refresh serves the searches waiting for it).
 */
@ExtendWith(LocalStack.class)
class ReadYourWritesTest {

  private static final int CLIENTS = 6;
  private static final int ROUNDS = 12;

  @Test
  void everySearchSeesTheWritesAnsweredBeforeIt(LocalFhirServer server) throws Exception {
    SearchClient search = new SearchClient(server, "practitioner");
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<List<String>>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(pool.submit(() -> rounds(search, client)));
      }
      List<String> problems = new ArrayList<>();
      for (Future<List<String>> f : clients) {
        problems.addAll(f.get(5, TimeUnit.MINUTES));
      }
      assertThat(problems).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Create, search, update, search again: each search right after the write it checks. */
  private static List<String> rounds(SearchClient search, int client) {
    List<String> problems = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      String family = "Ryw" + client + "x" + round;
      String id = search.create(null, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
      List<String> found = ids(search, "family:exact=" + family);
      if (!found.equals(List.of(id))) {
        problems.add("after creating " + id + " (" + family + "): " + found);
      }
      String renamed = family + "b";
      String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"tag\":[{\"system\":\""
          + search.tagSystem + "\",\"code\":\"" + search.tag + "\"}]},\"name\":[{\"family\":\"" + renamed + "\"}]}";
      HttpResponse<String> put = Http.send("PUT", search.base() + "/Patient/" + id, search.token(),
          "application/fhir+json", body);
      if (put.statusCode() != 200) {
        problems.add("update of " + id + ": " + put.statusCode() + " " + put.body());
        continue;
      }
      List<String> byNew = ids(search, "family:exact=" + renamed);
      List<String> byOld = ids(search, "family:exact=" + family);
      if (!byNew.equals(List.of(id)) || !byOld.isEmpty()) {
        problems.add("after renaming " + id + ": new name finds " + byNew + ", old name finds " + byOld);
      }
    }
    return problems;
  }

  private static List<String> ids(SearchClient search, String query) {
    List<String> out = new ArrayList<>();
    for (var e : SearchClient.bundle(search.get("/Patient", query, java.util.Map.of())).path("entry")) {
      out.add(e.path("resource").path("id").asText());
    }
    return out;
  }
}
