package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every version the server acknowledged can be read back by its Location (issue: under load a
 * 201'd resource answered 404 on its vread while its plain read worked).
 */
@ExtendWith(LocalStack.class)
class VersionReadsUnderLoadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CLIENTS = 2;
  private static final int TRANSACTIONS = 20;
  private static final int ENTRIES = 50;
  private static final int SINGLE_CREATES = 200;

  @Test
  void everyAcknowledgedLocationCanBeReadBack(LocalFhirServer server) throws Exception {
    String token = server.token("practitioner");
    String run = UUID.randomUUID().toString();
    ConcurrentLinkedQueue<String> locations = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      clients.add(pool.submit(() -> {
        for (int t = 0; t < TRANSACTIONS; t++) {
          HttpResponse<String> r = Http.send("POST", server.baseUrl(), token, "application/fhir+json",
              transaction(run, client, t));
          if (r.statusCode() != 200) {
            failures.add("transaction: " + r.statusCode() + " " + r.body());
            continue;
          }
          for (JsonNode e : read(r.body()).path("entry")) {
            locations.add(e.path("response").path("location").asText());
          }
          for (int i = 0; i < SINGLE_CREATES / TRANSACTIONS; i++) {
            HttpResponse<String> created = Http.send("POST", server.baseUrl() + "/Observation", token,
                "application/fhir+json", observation(run, client + "-" + t + "-" + i));
            if (created.statusCode() != 201) {
              failures.add("create: " + created.statusCode() + " " + created.body());
            } else {
              locations.add(created.headers().firstValue("Location").orElse("(no Location)"));
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : clients) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertThat(failures).isEmpty();
    assertThat(locations).hasSize(CLIENTS * (TRANSACTIONS * ENTRIES + SINGLE_CREATES));

    List<String> unreadable = new ArrayList<>();
    for (String location : locations) {
      String url = location.startsWith("http") ? location : server.baseUrl() + "/" + location;
      assertThat(url).contains("/_history/");
      HttpResponse<String> r = Http.send("GET", url, token, null, null);
      if (r.statusCode() != 200) {
        unreadable.add(location + " -> " + r.statusCode());
      }
    }
    assertThat(unreadable).isEmpty();
  }

  private static String transaction(String run, int client, int t) {
    StringBuilder b = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
    for (int i = 0; i < ENTRIES; i++) {
      String body = i % 2 == 0
          ? "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:load:" + run + "\",\"value\":\""
              + client + "-" + t + "-" + i + "\"}],\"name\":[{\"family\":\"Load" + i + "\"}]}"
          : observation(run, client + "-" + t + "-" + i);
      String type = i % 2 == 0 ? "Patient" : "Observation";
      b.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"urn:uuid:").append(UUID.randomUUID())
          .append("\",\"resource\":").append(body).append(",\"request\":{\"method\":\"POST\",\"url\":\"")
          .append(type).append("\"}}");
    }
    return b.append("]}").toString();
  }

  private static String observation(String run, String n) {
    return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"load " + run + "\"},"
        + "\"valueString\":\"" + n + "\"}";
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
