package io.fwoa.server.search.stream;

import static io.fwoa.server.search.stream.StreamRecords.event;
import static io.fwoa.server.search.stream.StreamRecords.failures;
import static io.fwoa.server.search.stream.StreamRecords.n;
import static io.fwoa.server.search.stream.StreamRecords.patient;
import static io.fwoa.server.search.stream.StreamRecords.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalSearch;
import io.fwoa.server.search.opensearch.SearchUnavailableException;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
  private StreamRecords records;
  private String tenant;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    this.server = server;
    this.records = new StreamRecords(server);
    this.tenant = records.tenant;
  }

  private StreamIndexHandler handler(boolean hardDelete) {
    return new StreamIndexHandler(new StreamIndexer(server.searchIndex(), hardDelete, true, null,
        StreamIndexer.MAX_BULK_BYTES, null, attempt -> { }));
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
  void rejectedWritesAreRetriedThenReportedAsBatchItemFailures() {
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger pauses = new AtomicInteger();
    AtomicBoolean unblockOnPause = new AtomicBoolean();
    // The index refuses writes (as a full disk does: 429) until the indexer pauses before
    // retrying; then it accepts them again.
    StreamIndexHandler h = new StreamIndexHandler(new StreamIndexer(server.searchIndex(), false, true, null,
        StreamIndexer.MAX_BULK_BYTES, (ops, refresh) -> {
          requests.incrementAndGet();
          return server.searchIndex().bulk(ops, refresh);
        }, attempt -> {
          pauses.incrementAndGet();
          if (unblockOnPause.getAndSet(false)) {
            block(false);
          }
        }));
    h.handleRequest(event(insert(version("p12", 1, "AVAILABLE", patient("p12", "Before")))), null);
    requests.set(0);
    block(true);
    unblockOnPause.set(true);
    StreamsEventResponse r;
    try {
      r = h.handleRequest(event(modify(version("p12", 2, "AVAILABLE", patient("p12", "After")))), null);
    } finally {
      block(false);
    }
    assertThat(failures(r)).isEmpty();
    assertThat(requests.get()).as("the refused request and its retry").isEqualTo(2);
    assertThat(pauses.get()).isEqualTo(1);
    assertThat(family("p12")).isEqualTo("After");

    // Still refusing after every retry: the records come back for the event source mapping to
    // retry and, in the end, to send to the dead-letter queue.
    requests.set(0);
    pauses.set(0);
    block(true);
    try {
      DynamodbStreamRecord a = modify(version("p12", 3, "AVAILABLE", patient("p12", "Third")));
      DynamodbStreamRecord b = insert(version("p13", 1, "AVAILABLE", patient("p13", "New")));
      r = h.handleRequest(event(a, b), null);
      assertThat(failures(r)).containsExactlyInAnyOrder(a.getDynamodb().getSequenceNumber(),
          b.getDynamodb().getSequenceNumber());
      assertThat(requests.get()).as("every attempt").isEqualTo(4);
      assertThat(pauses.get()).isEqualTo(3);
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
    List<String> out = new ArrayList<>();
    for (String id : records.search("family", family)) {
      out.add(records.family(id));
    }
    return out;
  }

  private JsonNode doc(String id) {
    return records.doc(id);
  }

  private boolean exists(String id) {
    return records.exists(id);
  }

  private String family(String id) {
    return records.family(id);
  }

  private Map<String, AttributeValue> version(String id, long vid, String status, String json) {
    return records.version(id, vid, status, json);
  }

  private DynamodbStreamRecord insert(Map<String, AttributeValue> image) {
    return records.insert(image);
  }

  private DynamodbStreamRecord modify(Map<String, AttributeValue> image) {
    return records.modify(image);
  }

  private DynamodbStreamRecord remove(Map<String, AttributeValue> oldImage) {
    return records.remove(oldImage);
  }
}
