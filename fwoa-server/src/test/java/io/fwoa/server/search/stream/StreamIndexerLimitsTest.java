package io.fwoa.server.search.stream;

import static io.fwoa.server.search.stream.StreamRecords.context;
import static io.fwoa.server.search.stream.StreamRecords.event;
import static io.fwoa.server.search.stream.StreamRecords.failures;
import static io.fwoa.server.search.stream.StreamRecords.patient;
import static io.fwoa.server.search.stream.StreamRecords.seq;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.LocalStack;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stream Lambda's own limits, against the local OpenSearch node: bulk requests stay under
 * {@link StreamIndexer#MAX_BULK_BYTES} (AWS's small instance types refuse bodies over 10 MiB), and
 * near the function's timeout the records not indexed yet come back as batch item failures, so
 * the event source mapping retries them instead of the invocation timing out.
 */
@ExtendWith(LocalStack.class)
class StreamIndexerLimitsTest {

  private LocalFhirServer server;
  private StreamRecords records;
  /** Operations per bulk request sent, in order. */
  private final List<Integer> requests = new ArrayList<>();

  @BeforeEach
  void setUp(LocalFhirServer server) {
    this.server = server;
    this.records = new StreamRecords(server);
  }

  private StreamIndexHandler handler(long maxBulkBytes) {
    return new StreamIndexHandler(new StreamIndexer(server.searchIndex(), false, true, null, maxBulkBytes,
        (ops, refresh) -> {
          requests.add(ops.size());
          return server.searchIndex().bulk(ops, refresh);
        }, attempt -> { }));
  }

  // ------------------------------------------------------------------ bulk request size

  @Test
  void aBatchOfDocumentsOverTheBulkLimitIsSentInSeveralRequests() {
    // Four 3 MB documents: 12 MB in all, two per 8 MiB request.
    List<DynamodbStreamRecord> batch = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batch.add(records.insert("Patient", "big" + i, patient("big" + i, "Big" + i + "x".repeat(3_000_000))));
    }
    assertThat(failures(handler(StreamIndexer.MAX_BULK_BYTES).handleRequest(event(batch), null))).isEmpty();
    assertThat(requests).containsExactly(2, 2);
    for (int i = 0; i < 4; i++) {
      assertThat(records.family("big" + i)).startsWith("Big" + i + "xxx");
    }
  }

  @Test
  void aDocumentOverTheBulkLimitGoesAlone() {
    List<DynamodbStreamRecord> batch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batch.add(records.insert("Patient", "alone" + i, patient("alone" + i, "Alone" + i)));
    }
    assertThat(failures(handler(1).handleRequest(event(batch), null))).isEmpty();
    assertThat(requests).containsExactly(1, 1, 1);
    assertThat(records.search("family", "alone")).containsExactlyInAnyOrder("alone0", "alone1", "alone2");
  }

  // ------------------------------------------------------------------ the function's timeout

  @Test
  void withTooLittleTimeLeftNothingStartsAndTheReplayIndexesEverything() {
    List<DynamodbStreamRecord> batch = List.of(records.insert("Patient", "late0", patient("late0", "Late")),
        records.insert("Patient", "late1", patient("late1", "Late")));
    StreamIndexHandler h = handler(StreamIndexer.MAX_BULK_BYTES);
    int little = (int) StreamIndexer.STOP_MILLIS - 1;
    assertThat(failures(h.handleRequest(event(batch), context(() -> little))))
        .containsExactly(seq(batch.get(0)), seq(batch.get(1)));
    assertThat(requests).isEmpty();
    assertThat(records.exists("late0")).isFalse();

    assertThat(failures(h.handleRequest(event(batch), context(() -> 300_000)))).isEmpty();
    assertThat(records.search("family", "late")).containsExactlyInAnyOrder("late0", "late1");
  }

  @Test
  void runningOutOfTimeMidBatchReportsTheRestAndTheRetryFromTheFirstFailureIndexesIt() {
    List<DynamodbStreamRecord> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(records.insert("Patient", "mid" + i, patient("mid" + i, "Midway")));
    }
    // One document per request; time runs out once two requests are sent.
    StreamIndexHandler h = handler(1);
    List<String> failed = failures(h.handleRequest(event(batch),
        context(() -> requests.size() >= 2 ? (int) StreamIndexer.STOP_MILLIS - 1 : 300_000)));
    assertThat(requests).hasSize(2);
    assertThat(failed).containsExactlyInAnyOrder(seq(batch.get(2)), seq(batch.get(3)), seq(batch.get(4)));
    assertThat(records.search("family", "midway")).containsExactlyInAnyOrder("mid0", "mid1");

    // The event source mapping retries from the first failure.
    int first = batch.stream().map(StreamRecords::seq).toList().indexOf(failed.stream().sorted().findFirst()
        .orElseThrow());
    assertThat(failures(h.handleRequest(event(batch.subList(first, batch.size())), null))).isEmpty();
    assertThat(records.search("family", "midway")).containsExactlyInAnyOrder("mid0", "mid1", "mid2", "mid3",
        "mid4");
  }
}
