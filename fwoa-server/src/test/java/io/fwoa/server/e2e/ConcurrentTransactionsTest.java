package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.storage.dynamo.TableSchema;
import io.fwoa.server.support.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Transactions over the same resources from many clients at once, over HTTP: each ends with 200
 * or a conflict, the server keeps answering, and nothing is left locked afterwards.
 */
@ExtendWith(LocalStack.class)
class ConcurrentTransactionsTest {

  private static final Duration NO_ANSWER = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void concurrentTransactionsOnSharedResourcesNeverHang(LocalFhirServer server) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("practitioner");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add("dl-" + run + "-" + i);
    }
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

    ExecutorService clients = Executors.newFixedThreadPool(13);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < 12; c++) {
      List<String> mine = new ArrayList<>();
      if (c < 4) {
        mine.addAll(ids);
      } else {
        for (int k = 0; k < 3; k++) {
          mine.add(ids.get((c + 3 * k) % ids.size()));
        }
      }
      int client = c;
      futures.add(clients.submit(() -> {
        for (int round = 0; round < 12 && System.nanoTime() < until; round++) {
          HttpResponse<String> r = send(server, token, "POST", "/", transaction(mine, client + "-" + round));
          if (r == null) {
            unexpected.add("client " + client + ": no answer within " + NO_ANSWER.toSeconds() + " s");
            return;
          }
          if (r.statusCode() == 200) {
            ok.incrementAndGet();
          } else if (r.statusCode() == 409 || r.statusCode() == 412) {
            conflicts.incrementAndGet();
          } else {
            unexpected.add("client " + client + ": " + r.statusCode() + " " + r.body());
          }
        }
      }));
    }
    // Meanwhile /metadata must keep answering.
    Future<?> monitor = clients.submit(() -> {
      while (running.get()) {
        HttpResponse<String> r = send(server, null, "GET", "/metadata", null);
        if (r == null || r.statusCode() != 200) {
          unexpected.add("/metadata: " + (r == null ? "no answer" : r.statusCode()));
          return;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    assertTimeoutPreemptively(Duration.ofSeconds(150), () -> {
      for (Future<?> f : futures) {
        f.get();
      }
    }, "clients did not finish");
    running.set(false);
    monitor.get(60, TimeUnit.SECONDS);
    clients.shutdown();

    assertThat(unexpected).isEmpty();
    assertThat(ok.get()).isPositive();

    // Nothing left behind: no transaction record, no staged item.
    try (DynamoDbClient dynamo = ServerFactory.dynamo(server.config())) {
      for (int shard = 0; shard < TableSchema.TX_SHARDS; shard++) {
        String partition = shard == 0 ? "_tx" : "_tx#" + shard;
        assertThat(dynamo.query(b -> b.tableName(LocalFhirServer.TABLE).keyConditionExpression("id = :tx")
            .expressionAttributeValues(Map.of(":tx", AttributeValue.builder().s(partition).build()))
            .consistentRead(true)).items()).as(partition).isEmpty();
      }
      for (String id : ids) {
        List<Map<String, AttributeValue>> versions = dynamo.query(b -> b.tableName(LocalFhirServer.TABLE)
            .keyConditionExpression("id = :id")
            .expressionAttributeValues(Map.of(":id", AttributeValue.builder().s("Patient/" + id).build()))
            .consistentRead(true)).items();
        assertThat(versions).as("Patient/%s", id).allSatisfy(v ->
            assertThat(v.get("documentStatus").s()).isIn("AVAILABLE", "DELETED"));
        // History is contiguous: versions 1..n, no gaps.
        List<Long> vids = versions.stream().map(v -> Long.parseLong(v.get("vid").n())).sorted().toList();
        assertThat(vids).as("Patient/%s", id).isNotEmpty();
        for (int i = 0; i < vids.size(); i++) {
          assertThat(vids.get(i)).as("Patient/%s versions %s", id, vids).isEqualTo(i + 1L);
        }
      }
    }

    // And the server still writes: a transaction, and a create with an identifier.
    HttpResponse<String> after = send(server, token, "POST", "/", transaction(ids.subList(0, 2), "after"));
    assertThat(after).isNotNull();
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    HttpResponse<String> create = send(server, token, "POST", "/Patient",
        "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:dl\",\"value\":\"" + run + "\"}]}");
    assertThat(create).isNotNull();
    assertThat(create.statusCode()).as(create.body()).isEqualTo(201);
  }

  private static String transaction(List<String> ids, String tag) {
    StringBuilder b = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      b.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"").append(id)
          .append("\",\"name\":[{\"family\":\"").append(tag).append("\"}]},\"request\":{\"method\":\"PUT\",\"url\":")
          .append("\"Patient/").append(id).append("\"}}");
    }
    return b.append("]}").toString();
  }

  /** The response, or null when the server did not answer in time. */
  private static HttpResponse<String> send(LocalFhirServer server, String token, String method, String path,
      String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(NO_ANSWER)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/fhir+json");
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      return null;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
