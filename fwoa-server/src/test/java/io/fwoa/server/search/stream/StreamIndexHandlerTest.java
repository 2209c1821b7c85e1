package io.fwoa.server.search.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalSearch;
import io.fwoa.server.search.SearchService;
import io.fwoa.server.search.opensearch.SearchUnavailableException;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stream Lambda against a real OpenSearch node (the local stack's), fed with DynamoDB stream
 * events built here exactly as the table would stream fwoa's items (dynalite has no streams):
 * ordering, replays, the item kinds that are not resources, soft and hard deletes, compressed
 * documents, and failures — unreadable records and rejected writes come back as batch item
 * failures, an unreachable cluster fails the whole batch.
 */
@ExtendWith(LocalStack.class)
class StreamIndexHandlerTest {

  private LocalFhirServer server;
  /** A tenant of its own: these documents share the Patient index with other tests. */
  private String tenant;
  private int sequence;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    this.server = server;
    this.tenant = "stream-" + UUID.randomUUID();
  }

  private StreamIndexHandler handler(boolean hardDelete) {
    return new StreamIndexHandler(new StreamIndexer(server.searchIndex(), hardDelete, true, null,
        new long[] {50, 100, 200}));
  }

  // ------------------------------------------------------------------ ordering and idempotency

  @Test
  void anOlderVersionNeverOverwritesANewerOne() {
    StreamIndexHandler h = handler(false);
    assertThat(failures(h.handleRequest(event(insert(version("p1", 2, "AVAILABLE", patient("p1", "Second")))),
        null))).isEmpty();
    assertThat(failures(h.handleRequest(event(insert(version("p1", 1, "AVAILABLE", patient("p1", "First")))),
        null))).isEmpty();
    assertThat(doc("p1").path("_source").path("vid").asLong()).isEqualTo(2);
    assertThat(family("p1")).isEqualTo("Second");

    // Out of order inside one batch: the newest wins.
    h.handleRequest(event(insert(version("p2", 1, "AVAILABLE", patient("p2", "One"))),
        insert(version("p2", 3, "AVAILABLE", patient("p2", "Three"))),
        insert(version("p2", 2, "AVAILABLE", patient("p2", "Two")))), null);
    assertThat(family("p2")).isEqualTo("Three");
  }

  @Test
  void replayingABatchChangesNothing() {
    StreamIndexHandler h = handler(false);
    DynamodbEvent e = event(insert(version("p3", 1, "AVAILABLE", patient("p3", "Once"))),
        modify(version("p3", 2, "AVAILABLE", patient("p3", "Twice"))));
    assertThat(failures(h.handleRequest(e, null))).isEmpty();
    long version = doc("p3").path("_version").asLong();
    assertThat(failures(h.handleRequest(e, null))).isEmpty();
    assertThat(doc("p3").path("_version").asLong()).isEqualTo(version).isEqualTo(2);
    assertThat(family("p3")).isEqualTo("Twice");
  }

  @Test
  void transactionRecordsIdentifierEntriesAndPendingItemsAreNotResources() {
    StreamIndexHandler h = handler(false);
    Map<String, AttributeValue> tx = new HashMap<>();
    tx.put("id", s("_tx"));
    tx.put("vid", n(4242));
    tx.put("txStatus", s("COMMITTED"));
    Map<String, AttributeValue> ident = new HashMap<>();
    ident.put("id", s(tenant + "|_ident|Patient|12345"));
    ident.put("vid", n(99));
    ident.put("logicalId", s("p4"));
    Map<String, AttributeValue> pending = version("p4", 1, "PENDING", patient("p4", "Staged"));
    pending.put("finalStatus", s("AVAILABLE"));
    pending.put("txId", s("4242"));
    StreamsEventResponse r = h.handleRequest(event(modify(tx), insert(ident), insert(pending)), null);
    assertThat(failures(r)).isEmpty();
    assertThat(exists("p4")).isFalse();

    // Publishing the staged item is a MODIFY of the same key: now it is a resource version.
    h.handleRequest(event(modify(version("p4", 1, "AVAILABLE", patient("p4", "Staged")))), null);
    assertThat(family("p4")).isEqualTo("Staged");

    // A rolled-back staged item is removed; that is no change to the index.
    Map<String, AttributeValue> rolledBack = version("p4", 2, "PENDING", patient("p4", "Never"));
    assertThat(failures(h.handleRequest(event(remove(rolledBack)), null))).isEmpty();
    assertThat(family("p4")).isEqualTo("Staged");
  }

  // ------------------------------------------------------------------ deletes

  @Test
  void softDeleteKeepsTheDocumentMarkedDeletedAndOutOfResults() {
    StreamIndexHandler h = handler(false);
    h.handleRequest(event(insert(version("p5", 1, "AVAILABLE", patient("p5", "Softly")))), null);
    assertThat(searchFamilies("softly")).containsExactly("Softly");
    h.handleRequest(event(insert(version("p5", 2, "DELETED", null))), null);
    JsonNode source = doc("p5").path("_source");
    assertThat(source.path("deleted").asBoolean()).isTrue();
    assertThat(source.path("vid").asLong()).isEqualTo(2);
    assertThat(source.path("resource").path("name").get(0).path("family").asText()).isEqualTo("Softly");
    assertThat(searchFamilies("softly")).isEmpty();
    // A late replay of the first version does not bring it back.
    h.handleRequest(event(insert(version("p5", 1, "AVAILABLE", patient("p5", "Softly")))), null);
    assertThat(doc("p5").path("_source").path("deleted").asBoolean()).isTrue();
    assertThat(searchFamilies("softly")).isEmpty();
  }

  @Test
  void hardDeleteRemovesTheDocumentForGood() {
    StreamIndexHandler h = handler(true);
    h.handleRequest(event(insert(version("p6", 1, "AVAILABLE", patient("p6", "Hardly")))), null);
    assertThat(exists("p6")).isTrue();
    assertThat(failures(h.handleRequest(event(insert(version("p6", 2, "DELETED", null))), null))).isEmpty();
    assertThat(exists("p6")).isFalse();
    h.handleRequest(event(insert(version("p6", 1, "AVAILABLE", patient("p6", "Hardly")))), null);
    assertThat(exists("p6")).isFalse();
    // Deleting what is not indexed is not a failure.
    assertThat(failures(h.handleRequest(event(insert(version("p7", 5, "DELETED", null))), null))).isEmpty();
  }

  @Test
  void compressedDocumentsAreIndexed() throws IOException {
    Map<String, AttributeValue> item = version("p8", 1, "AVAILABLE", null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(patient("p8", "Zipped").getBytes(StandardCharsets.UTF_8));
    }
    AttributeValue b = new AttributeValue();
    b.setB(ByteBuffer.wrap(bytes.toByteArray()));
    item.put("resourceGz", b);
    assertThat(failures(handler(false).handleRequest(event(insert(item)), null))).isEmpty();
    assertThat(family("p8")).isEqualTo("Zipped");
  }

  // ------------------------------------------------------------------ failures

  @Test
  void anUnreadableRecordIsReportedAndTheOthersAreIndexed() {
    DynamodbStreamRecord good1 = insert(version("p9", 1, "AVAILABLE", patient("p9", "Good")));
    DynamodbStreamRecord bad = insert(version("p10", 1, "AVAILABLE", "{\"resourceType\":\"Patient\",\"id\":"));
    DynamodbStreamRecord good2 = insert(version("p11", 1, "AVAILABLE", patient("p11", "Fine")));
    StreamsEventResponse r = handler(false).handleRequest(event(good1, bad, good2), null);
    assertThat(failures(r)).containsExactly(bad.getDynamodb().getSequenceNumber());
    assertThat(family("p9")).isEqualTo("Good");
    assertThat(family("p11")).isEqualTo("Fine");
    assertThat(exists("p10")).isFalse();
  }

  @Test
  void rejectedWritesAreRetriedThenReportedAsBatchItemFailures() throws Exception {
    StreamIndexHandler h = handler(false);
    h.handleRequest(event(insert(version("p12", 1, "AVAILABLE", patient("p12", "Before")))), null);
    // The index refuses writes (as a full disk does: 429), then accepts them again.
    block(true);
    Thread unblock = new Thread(() -> {
      try {
        Thread.sleep(120);
        block(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    unblock.start();
    StreamsEventResponse r = h.handleRequest(event(modify(version("p12", 2, "AVAILABLE", patient("p12", "After")))),
        null);
    unblock.join();
    assertThat(failures(r)).isEmpty();
    assertThat(family("p12")).isEqualTo("After");

    // Still refusing after every retry: the records come back for the event source mapping to
    // retry and, in the end, to send to the dead-letter queue.
    block(true);
    try {
      DynamodbStreamRecord a = modify(version("p12", 3, "AVAILABLE", patient("p12", "Third")));
      DynamodbStreamRecord b = insert(version("p13", 1, "AVAILABLE", patient("p13", "New")));
      r = h.handleRequest(event(a, b), null);
      assertThat(failures(r)).containsExactlyInAnyOrder(a.getDynamodb().getSequenceNumber(),
          b.getDynamodb().getSequenceNumber());
    } finally {
      block(false);
    }
    assertThat(family("p12")).isEqualTo("After");
  }

  @Test
  void anUnreachableClusterFailsTheWholeBatch() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    StreamIndexHandler h = new StreamIndexHandler(new StreamIndexer(LocalSearch.connect("http://127.0.0.1:" + port),
        false, false, null));
    assertThatThrownBy(() -> h.handleRequest(event(insert(version("p14", 1, "AVAILABLE", patient("p14", "X")))),
        null)).isInstanceOf(SearchUnavailableException.class);
  }

  // ------------------------------------------------------------------ helpers

  private void block(boolean on) {
    Http.send("PUT", server.searchEndpoint() + "/fwoa-patient/_settings", null, "application/json",
        "{\"index.blocks.read_only_allow_delete\":" + (on ? "true" : "null") + "}");
  }

  private List<String> searchFamilies(String family) {
    SearchService search = new SearchService(server::searchIndex);
    String json = search.search(List.of("Patient"), List.of(Map.entry("family", family)), true, tenant, "/Patient",
        null, t -> { });
    List<String> out = new ArrayList<>();
    for (JsonNode e : read(json).path("entry")) {
      out.add(e.path("resource").path("name").get(0).path("family").asText());
    }
    return out;
  }

  private JsonNode doc(String id) {
    return read(Http.send("GET", server.searchEndpoint() + "/fwoa-patient/_doc/" + tenant + "%7C" + id, null, null,
        null).body());
  }

  private boolean exists(String id) {
    return doc(id).path("found").asBoolean();
  }

  private String family(String id) {
    return doc(id).path("_source").path("resource").path("name").get(0).path("family").asText();
  }

  private static JsonNode read(String json) {
    try {
      return SearchClient.JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String patient(String id, String family) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\"},\"name\":[{\"family\":\""
        + family + "\"}]}";
  }

  /** A resource version item as fwoa's store writes it (see storage.dynamo's package documentation). */
  private Map<String, AttributeValue> version(String id, long vid, String status, String json) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", s(tenant + "|Patient/" + id));
    item.put("vid", n(vid));
    item.put("resourceType", s("Patient"));
    item.put("logicalId", s(id));
    item.put("tenant", s(tenant));
    item.put("documentStatus", s(status));
    item.put("lastUpdated", s("2024-05-0" + Math.min(vid, 9) + "T10:00:00.000Z"));
    item.put("method", s(json == null ? "DELETE" : "PUT"));
    if (json != null) {
      item.put("resource", s(json));
    }
    if (!status.equals("PENDING")) {
      item.put("typeHistory", s(tenant + "|Patient"));
      item.put("systemHistory", s(tenant));
    }
    return item;
  }

  private DynamodbStreamRecord insert(Map<String, AttributeValue> image) {
    return record("INSERT", image, null);
  }

  private DynamodbStreamRecord modify(Map<String, AttributeValue> image) {
    return record("MODIFY", image, null);
  }

  private DynamodbStreamRecord remove(Map<String, AttributeValue> oldImage) {
    return record("REMOVE", null, oldImage);
  }

  private DynamodbStreamRecord record(String eventName, Map<String, AttributeValue> newImage,
      Map<String, AttributeValue> oldImage) {
    Map<String, AttributeValue> source = newImage != null ? newImage : oldImage;
    StreamRecord s = new StreamRecord();
    s.setKeys(Map.of("id", source.get("id"), "vid", source.get("vid")));
    s.setNewImage(newImage);
    s.setOldImage(oldImage);
    s.setSequenceNumber(String.format("%021d", ++sequence));
    s.setSizeBytes(512L);
    s.setStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
    DynamodbStreamRecord r = new DynamodbStreamRecord();
    r.setEventID(UUID.randomUUID().toString());
    r.setEventName(eventName);
    r.setEventVersion("1.1");
    r.setEventSource("aws:dynamodb");
    r.setAwsRegion("us-east-1");
    r.setEventSourceARN("arn:aws:dynamodb:us-east-1:123456789012:table/resource-db-dev/stream/2024-05-01T00:00:00.000");
    r.setDynamodb(s);
    return r;
  }

  private static DynamodbEvent event(DynamodbStreamRecord... records) {
    DynamodbEvent e = new DynamodbEvent();
    e.setRecords(List.of(records));
    return e;
  }

  private static List<String> failures(StreamsEventResponse r) {
    return r.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
  }

  private static AttributeValue s(String v) {
    AttributeValue a = new AttributeValue();
    a.setS(v);
    return a;
  }

  private static AttributeValue n(long v) {
    AttributeValue a = new AttributeValue();
    a.setN(Long.toString(v));
    return a;
  }
}
