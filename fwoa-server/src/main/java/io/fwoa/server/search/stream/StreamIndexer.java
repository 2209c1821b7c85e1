package io.fwoa.server.search.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.search.index.Documents;
import io.fwoa.server.search.index.Mappings;
import io.fwoa.server.search.opensearch.JsonDocument;
import io.fwoa.server.search.opensearch.SearchIndex;
import io.fwoa.server.storage.DocumentOverflow;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.dynamo.StreamImages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.get.GetResult;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the search index in step with the resource table's stream (the same code runs in the
 * stream Lambda and, synchronously after each write, in fwoa:run).
 *
 * <ul>
 *   <li>Only committed resource versions are indexed: transaction records, identifier index entries
 *       and PENDING items are skipped (a PENDING item becomes a version when it is published, which
 *       arrives as its own MODIFY record).
 *   <li>Idempotent and version-aware: documents are written with external versioning (the version
 *       number), so replaying records, or receiving them out of order, never lets an older version
 *       overwrite a newer one; within a batch only the newest version of each resource is sent.
 *   <li>A delete either removes the document (hard delete, ENABLE_ES_HARD_DELETE) or keeps it marked
 *       {@code deleted} (its content stays visible in Dashboards; searches exclude it).
 *   <li>Bulk requests of at most {@value #MAX_BULK_BYTES} bytes of documents (one larger document
 *       goes alone): OpenSearch refuses request bodies over {@code http.max_content_length},
 *       which is 10 MiB on AWS's small instance types. Documents are built as the requests are
 *       sent, so a batch's documents are never all in memory at once.
 *   <li>Items that fail for a transient reason (throttling, a node restarting, a missing index) are
 *       retried; items that still fail, and records that cannot be read, are returned so the Lambda
 *       reports them as batch item failures: the event source mapping retries from the first of
 *       them and finally sends the batch to the dead-letter queue. Nothing is dropped silently.
 *   <li>Given the invocation's remaining time, no new work starts when less than
 *       {@value #STOP_MILLIS} ms remain: the records not indexed yet are returned as failures (and
 *       retried by the event source mapping) rather than lost when the function times out.
 * </ul>
 */
public final class StreamIndexer {

  /** Most bytes of document JSON in one bulk request (8 MiB). */
  public static final long MAX_BULK_BYTES = 8L * 1024 * 1024;
  /** With less time than this left in the invocation, no new work starts. */
  public static final long STOP_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(StreamIndexer.class);
  private static final int ATTEMPTS = 4;
  private static final long[] BACKOFF_MILLIS = {100, 500, 2000};
  /** A bulk item's action line, roughly: what a document costs beyond its JSON. */
  private static final long ACTION_BYTES = 200;

  /** Sends one bulk request (a test counts them). */
  @FunctionalInterface
  interface Bulk {
    BulkResponse send(List<BulkOperation> operations, boolean refresh);
  }

  /** Waits before retry attempt {@code attempt + 1} (a test acts instead, making the retry certain). */
  @FunctionalInterface
  interface Backoff {
    void pause(int attempt);
  }

  private final SearchIndex index;
  private final Documents documents = new Documents();
  private final boolean hardDelete;
  private final boolean refresh;
  private final DocumentOverflow overflow;
  private final long maxBulkBytes;
  private final Bulk bulk;
  private final Backoff backoff;

  /**
   * @param hardDelete remove documents of deleted resources (else mark them deleted)
   * @param refresh make the changes visible to every later search through {@code index} (fwoa:run, tests)
   * @param overflow where documents too large for an item are kept, or null
   */
  public StreamIndexer(SearchIndex index, boolean hardDelete, boolean refresh, DocumentOverflow overflow) {
    this(index, hardDelete, refresh, overflow, MAX_BULK_BYTES, null,
        attempt -> sleep(BACKOFF_MILLIS[Math.min(attempt - 1, BACKOFF_MILLIS.length - 1)]));
  }

  /**
   * @param bulk sends bulk requests, or null for {@code index.bulk}
   */
  StreamIndexer(SearchIndex index, boolean hardDelete, boolean refresh, DocumentOverflow overflow, long maxBulkBytes,
      Bulk bulk, Backoff backoff) {
    this.index = index;
    this.hardDelete = hardDelete;
    this.refresh = refresh;
    this.overflow = overflow;
    this.maxBulkBytes = maxBulkBytes;
    this.bulk = bulk != null ? bulk : index::bulk;
    this.backoff = backoff;
  }

  /** One resource's newest change in the batch. */
  private record Change(String sequenceNumber, ResourceKey key, long vid, StoredVersion version, boolean remove) {
    String alias() {
      return Mappings.alias(key.type());
    }

    String docId() {
      return docId(key);
    }

    static String docId(ResourceKey key) {
      return key.tenant() == null ? key.id() : key.tenant() + "|" + key.id();
    }
  }

  /** Indexes a batch of stream records, with no time limit (see {@link #index(List, LongSupplier)}). */
  public List<String> index(List<DynamodbStreamRecord> records) {
    return index(records, null);
  }

  /**
   * Indexes a batch of stream records.
   *
   * @param remainingMillis the invocation's remaining time, or null for no limit: once less than
   *     {@link #STOP_MILLIS} remain, the records not indexed yet are returned as failed
   * @return sequence numbers of the records that could not be indexed (empty when all were)
   * @throws io.fwoa.server.search.opensearch.SearchUnavailableException when OpenSearch cannot be
   *     reached at all (the whole batch is retried)
   */
  public List<String> index(List<DynamodbStreamRecord> records, LongSupplier remainingMillis) {
    Set<String> failed = new LinkedHashSet<>();
    Map<String, Change> changes = new LinkedHashMap<>();
    int skipped = 0;
    for (int i = 0; i < records.size(); i++) {
      DynamodbStreamRecord r = records.get(i);
      String seq = r.getDynamodb() == null ? null : r.getDynamodb().getSequenceNumber();
      if (late(remainingMillis)) {
        // Reading a record may read S3 (overflowed documents): the rest waits for the retry.
        LOG.warn("Out of time: {} of {} record(s) not read, reported as failed", records.size() - i, records.size());
        for (DynamodbStreamRecord rest : records.subList(i, records.size())) {
          if (rest.getDynamodb() != null && rest.getDynamodb().getSequenceNumber() != null) {
            failed.add(rest.getDynamodb().getSequenceNumber());
          }
        }
        break;
      }
      try {
        Change c = change(r, seq);
        if (c == null) {
          skipped++;
          continue;
        }
        String k = c.alias() + "/" + c.docId();
        Change previous = changes.get(k);
        if (previous == null || previous.vid() <= c.vid()) {
          changes.put(k, c);
        }
      } catch (RuntimeException e) {
        LOG.error("Stream record {} cannot be read: {}", seq, e.toString());
        failed.add(seq);
      }
    }
    if (!changes.isEmpty()) {
      failed.addAll(write(new ArrayList<>(changes.values()), remainingMillis));
    }
    LOG.debug("Indexed {} change(s) from {} record(s) ({} skipped, {} failed)", changes.size(), records.size(),
        skipped, failed.size());
    return new ArrayList<>(failed);
  }

  private Change change(DynamodbStreamRecord r, String seq) {
    if (r.getDynamodb() == null || r.getDynamodb().getKeys() == null) {
      return null;
    }
    Map<String, AttributeValue> keys = r.getDynamodb().getKeys();
    boolean remove = "REMOVE".equals(r.getEventName());
    Map<String, AttributeValue> image = remove ? r.getDynamodb().getOldImage() : r.getDynamodb().getNewImage();
    StreamImages.Kind kind = StreamImages.kind(keys, image);
    if (kind != StreamImages.Kind.VERSION) {
      if (kind == StreamImages.Kind.OTHER && image == null && !remove) {
        // NEW_AND_OLD_IMAGES is configured; a record without an image is not one of ours to read.
        throw new IllegalStateException("The stream record has no item image (stream view type must include "
            + "NEW_IMAGE)");
      }
      return null;
    }
    long vid = StreamImages.vid(keys);
    ResourceKey key = StreamImages.key(image);
    if (remove) {
      // A committed version removed from the table (an administrator's purge): its document goes
      // only if it still is this version.
      return new Change(seq, key, vid, null, true);
    }
    return new Change(seq, key, vid, StreamImages.version(image, overflow), false);
  }

  /** Whether the invocation is too close to its end to start more work. */
  private static boolean late(LongSupplier remainingMillis) {
    return remainingMillis != null && remainingMillis.getAsLong() < STOP_MILLIS;
  }

  /** Builds and sends the changes' documents, a chunk of at most {@link #maxBulkBytes} at a time. */
  private Set<String> write(List<Change> changes, LongSupplier remainingMillis) {
    Set<String> failed = new TreeSet<>();
    Map<String, ObjectNode> deletedMarkers = hardDelete ? Map.of() : markers(changes);
    List<Change> chunk = new ArrayList<>();
    List<BulkOperation> operations = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < changes.size(); i++) {
      if (late(remainingMillis)) {
        LOG.warn("Out of time: {} of {} change(s) not indexed, reported as failed", changes.size() - i + chunk.size(),
            changes.size());
        chunk.forEach(c -> failed.add(c.sequenceNumber()));
        changes.subList(i, changes.size()).forEach(c -> failed.add(c.sequenceNumber()));
        return failed;
      }
      Change c = changes.get(i);
      Operation op;
      try {
        index.ensureIndex(c.key().type());
        op = operation(c, deletedMarkers);
      } catch (IllegalArgumentException | ca.uhn.fhir.parser.DataFormatException e) {
        LOG.error("{} version {} cannot be indexed: {}", c.key(), c.vid(), e.getMessage());
        failed.add(c.sequenceNumber());
        continue;
      }
      if (!chunk.isEmpty() && bytes + op.bytes() > maxBulkBytes) {
        failed.addAll(send(chunk, operations, remainingMillis));
        chunk = new ArrayList<>();
        operations = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(c);
      operations.add(op.operation());
      bytes += op.bytes();
    }
    if (!chunk.isEmpty()) {
      failed.addAll(late(remainingMillis) ? sequenceNumbers(chunk) : send(chunk, operations, remainingMillis));
    }
    return failed;
  }

  /** Sends one chunk, retrying the items that failed for a transient reason while there is time. */
  private Set<String> send(List<Change> pending, List<BulkOperation> operations, LongSupplier remainingMillis) {
    Set<String> failed = new TreeSet<>();
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      BulkResponse response = bulk.send(operations, refresh);
      List<Change> retry = new ArrayList<>();
      List<BulkOperation> retryOps = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        BulkResponseItem item = response.items().get(i);
        Change c = pending.get(i);
        Outcome o = outcome(item);
        if (o == Outcome.DONE) {
          continue;
        }
        if (o == Outcome.MISSING_INDEX) {
          index.forget(c.key().type());
          index.ensureIndex(c.key().type());
        }
        String reason = item.error() == null ? "status " + item.status()
            : item.error().type() + ": " + item.error().reason();
        if (o != Outcome.PERMANENT && attempt < ATTEMPTS) {
          retry.add(c);
          retryOps.add(operations.get(i));
        } else {
          LOG.error("{} version {} was not indexed after {} attempt(s): {}", c.key(), c.vid(), attempt, reason);
          failed.add(c.sequenceNumber());
        }
      }
      pending = retry;
      operations = retryOps;
      if (!pending.isEmpty()) {
        backoff.pause(attempt);
        if (late(remainingMillis)) {
          LOG.warn("Out of time: {} change(s) not retried, reported as failed", pending.size());
          failed.addAll(sequenceNumbers(pending));
          break;
        }
      }
    }
    return failed;
  }

  private static List<String> sequenceNumbers(List<Change> changes) {
    return changes.stream().map(Change::sequenceNumber).toList();
  }

  private enum Outcome { DONE, RETRY, MISSING_INDEX, PERMANENT }

  private static Outcome outcome(BulkResponseItem item) {
    int status = item.status();
    if (status >= 200 && status < 300) {
      return Outcome.DONE;
    }
    String type = item.error() == null ? "" : item.error().type();
    if (status == 409 && "version_conflict_engine_exception".equals(type)) {
      return Outcome.DONE; // a newer (or the same) version is already indexed
    }
    if (status == 404 && "index_not_found_exception".equals(type)) {
      return Outcome.MISSING_INDEX;
    }
    if (status == 404) {
      return Outcome.DONE; // deleting a document that is not there
    }
    if (status == 429 || status >= 500) {
      return Outcome.RETRY;
    }
    return Outcome.PERMANENT;
  }

  /** A bulk operation and what it adds to the request body, roughly. */
  private record Operation(BulkOperation operation, long bytes) {}

  private Operation operation(Change c, Map<String, ObjectNode> markers) {
    if (c.remove()) {
      return new Operation(BulkOperation.of(b -> b.delete(d -> d.index(c.alias()).id(c.docId()).version(c.vid())
          .versionType(VersionType.ExternalGte))), ACTION_BYTES);
    }
    StoredVersion v = c.version();
    if (v.deleted()) {
      if (hardDelete) {
        return new Operation(BulkOperation.of(b -> b.delete(d -> d.index(c.alias()).id(c.docId()).version(c.vid())
            .versionType(VersionType.External))), ACTION_BYTES);
      }
      ObjectNode marker = markers.get(c.alias() + "/" + c.docId());
      if (marker == null) {
        marker = Documents.header(c.key().tenant(), c.key().type(), c.key().id(), c.vid(), v.lastUpdated(), true);
      }
      return index(c, marker);
    }
    return index(c, documents.build(c.key().tenant(), c.key().type(), c.key().id(), c.vid(), v.lastUpdated(),
        v.json()));
  }

  private static Operation index(Change c, ObjectNode doc) {
    JsonDocument json = JsonDocument.of(doc);
    return new Operation(BulkOperation.of(b -> b.index(i -> i.index(c.alias()).id(c.docId()).document(json)
        .version(c.vid()).versionType(VersionType.External))), ACTION_BYTES + json.bytes());
  }

  /**
   * For soft deletes: the currently indexed documents of the deleted resources, marked deleted
   * with the tombstone's version, so their last content stays in the index.
   */
  private Map<String, ObjectNode> markers(List<Change> changes) {
    Map<String, List<Change>> byAlias = new LinkedHashMap<>();
    for (Change c : changes) {
      if (!c.remove() && c.version().deleted()) {
        byAlias.computeIfAbsent(c.alias(), a -> new ArrayList<>()).add(c);
      }
    }
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    byAlias.forEach((alias, list) -> {
      index.ensureIndex(list.get(0).key().type());
      Map<String, Change> byId = new LinkedHashMap<>();
      list.forEach(c -> byId.put(c.docId(), c));
      for (MultiGetResponseItem<ObjectNode> item : index.mget(alias, new ArrayList<>(byId.keySet()), null).docs()) {
        if (!item.isResult() || !item.result().found() || item.result().source() == null) {
          continue;
        }
        GetResult<ObjectNode> found = item.result();
        Change c = byId.get(found.id());
        if (c == null) {
          continue;
        }
        ObjectNode doc = found.source().deepCopy();
        doc.put("deleted", true);
        doc.put("vid", c.vid());
        doc.put("lastUpdated", c.version().lastUpdated().toEpochMilli());
        out.put(alias + "/" + c.docId(), doc);
      }
    });
    return out;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
