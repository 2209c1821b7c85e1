package io.fwoa.server.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.search.index.Mappings;
import io.fwoa.server.search.opensearch.SearchIndex;
import io.fwoa.server.search.opensearch.SearchUnavailableException;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.dynamo.StreamImages;
import io.fwoa.server.storage.dynamo.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.MgetResponse;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Brings the search index up to date with the resource table after fwoa:run stopped without
 * indexing everything it wrote (killed, or a flush that failed): a parallel scan of the table
 * finds each resource's newest committed version, and those newer than the indexed document go
 * through the stream handler as the MODIFY records the stream would have carried.
 *
 * <p>Asking the index first (one multi-get of document versions per scan page and type) is what
 * makes this cheap: after a crash nearly everything is indexed already, and building a search
 * document (parsing the resource, evaluating every search parameter) costs far more than the
 * scan. Feeding everything to the indexer is also correct (documents carry external versions, so
 * older versions are refused) and {@link #checkIndexed(boolean) can be chosen} to compare;
 * bench/index-catch-up.sh measures both.
 */
public final class IndexCatchUp {

  private static final Logger LOG = LoggerFactory.getLogger(IndexCatchUp.class);
  /** Stream records per handler call: one bulk request each. */
  private static final int CHUNK = 500;
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * @param items table items scanned
   * @param resources resources found (their newest committed version in a scan page)
   * @param indexed versions sent to the indexer
   * @param failed versions the indexer could not index, and scan segments that could not finish
   *     (what they hold stays for the next start)
   */
  public record Result(long items, long resources, long indexed, long failed, long millis) {
    public double resourcesPerSecond() {
      return millis == 0 ? resources : resources * 1000.0 / millis;
    }
  }

  private final DynamoDbClient dynamo;
  private final String table;
  private final SearchIndex index;
  private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;
  private final LocalLog log;
  /**
   * Scan segments: dynalite answers on one thread, so more segments only help while this side
   * (reading pages, asking the index, indexing) is the slower one; a segment per core, 2 to 8.
   */
  private int segments = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
  private boolean checkIndexed = true;

  private final AtomicLong items = new AtomicLong();
  private final AtomicLong resources = new AtomicLong();
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong nextProgress = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private long started;

  public IndexCatchUp(DynamoDbClient dynamo, String table, SearchIndex index,
      RequestHandler<DynamodbEvent, StreamsEventResponse> handler, LocalLog log) {
    this.dynamo = dynamo;
    this.table = table;
    this.index = index;
    this.handler = handler;
    this.log = log == null ? LocalLog.SILENT : log;
  }

  /** Parallel scan segments (each scans and indexes on a thread of its own). */
  public IndexCatchUp segments(int n) {
    this.segments = Math.max(1, n);
    return this;
  }

  /** Whether to skip versions the index already has (true) or send every newest version. */
  public IndexCatchUp checkIndexed(boolean check) {
    this.checkIndexed = check;
    return this;
  }

  public Result run() {
    started = System.nanoTime();
    nextProgress.set(started + PROGRESS_EVERY_NANOS);
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(segments, r -> {
      Thread t = new Thread(r, "fwoa-index-catch-up-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int s = 0; s < segments; s++) {
        int segment = s;
        running.add(pool.submit(() -> scan(segment)));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          // The scan could not go on (DynamoDB unavailable): what it did not reach is left for the next start.
          LOG.error("Search index catch-up: a table scan segment failed: {}", e.getCause().toString());
          failed.incrementAndGet();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed.incrementAndGet();
          break;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Result r = new Result(items.get(), resources.get(), indexed.get(), failed.get(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    LOG.info("Search index catch-up: {} item(s) scanned, {} resource(s), {} version(s) indexed, {} failed, {} ms",
        r.items(), r.resources(), r.indexed(), r.failed(), r.millis());
    return r;
  }

  private void scan(int segment) {
    Map<String, AttributeValue> start = null;
    do {
      ScanRequest.Builder b = ScanRequest.builder().tableName(table).consistentRead(true);
      if (segments > 1) {
        b.segment(segment).totalSegments(segments);
      }
      if (start != null) {
        b.exclusiveStartKey(start);
      }
      ScanResponse page = dynamo.scan(b.build());
      items.addAndGet(page.items().size());
      page(page.items());
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      progress();
    } while (start != null);
  }

  /** A newest version found in a page. */
  private record Found(ResourceKey key, long vid, Map<String, AttributeValue> item) {
    String alias() {
      return Mappings.alias(key.type());
    }

    /** The document id StreamIndexer gives a resource: the logical id, after the tenant and '|'. */
    String docId() {
      return key.tenant() == null ? key.id() : key.tenant() + "|" + key.id();
    }
  }

  private void page(List<Map<String, AttributeValue>> page) {
    // A resource's versions are next to each other in a scan (one partition); one that straddles
    // two pages is looked at twice, which external versions make harmless.
    Map<String, Found> newest = new LinkedHashMap<>();
    for (Map<String, AttributeValue> item : page) {
      var image = LocalStreams.convert(item);
      Map<String, AttributeValue> key = Map.of(TableSchema.ID, item.get(TableSchema.ID), TableSchema.VID,
          item.get(TableSchema.VID));
      var keys = LocalStreams.convert(key);
      if (keys.get(TableSchema.VID) == null || StreamImages.kind(keys, image) != StreamImages.Kind.VERSION) {
        continue;
      }
      Found f = new Found(StreamImages.key(image), StreamImages.vid(keys), item);
      newest.merge(f.alias() + "/" + f.docId(), f, (a, b) -> a.vid() >= b.vid() ? a : b);
    }
    resources.addAndGet(newest.size());
    List<Found> stale = checkIndexed ? notIndexed(newest.values()) : new ArrayList<>(newest.values());
    for (int from = 0; from < stale.size(); from += CHUNK) {
      index(stale.subList(from, Math.min(stale.size(), from + CHUNK)));
    }
  }

  /** Those whose version is newer than the indexed document's (or that have none). */
  private List<Found> notIndexed(Iterable<Found> found) {
    Map<String, List<Found>> byAlias = new LinkedHashMap<>();
    for (Found f : found) {
      byAlias.computeIfAbsent(f.alias(), a -> new ArrayList<>()).add(f);
    }
    List<Found> out = new ArrayList<>();
    byAlias.forEach((alias, list) -> {
      Map<String, Long> versions = indexedVersions(alias, list.stream().map(Found::docId).toList());
      for (Found f : list) {
        Long v = versions.get(f.docId());
        if (v == null || v < f.vid()) {
          out.add(f);
        }
      }
    });
    return out;
  }

  /**
   * Document id to version (the external version is the resource's vid). Without _source: on a
   * freshly started node, loading the documents' sources made this 30 times slower (43 s against
   * 1.5 s for 20,000 documents).
   */
  private Map<String, Long> indexedVersions(String alias, List<String> ids) {
    Map<String, Long> versions = new HashMap<>();
    MgetResponse<ObjectNode> response;
    try {
      response = index.client().mget(m -> m.index(alias).ids(ids).source(s -> s.fetch(false)), ObjectNode.class);
    } catch (OpenSearchException e) {
      if (e.status() == 404) {
        return versions; // no index for the type yet
      }
      throw new SearchUnavailableException("OpenSearch refused a multi-get: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new SearchUnavailableException("OpenSearch is not reachable: " + e.getMessage(), e);
    }
    for (MultiGetResponseItem<ObjectNode> item : response.docs()) {
      if (item.isResult() && item.result().found() && item.result().version() != null) {
        versions.put(item.result().id(), item.result().version());
      }
    }
    return versions;
  }

  private void index(List<Found> chunk) {
    List<DynamodbStreamRecord> records = new ArrayList<>(chunk.size());
    for (Found f : chunk) {
      Map<String, AttributeValue> keys = Map.of(TableSchema.ID, f.item().get(TableSchema.ID), TableSchema.VID,
          f.item().get(TableSchema.VID));
      DynamodbStreamRecord r = LocalStreams.record("MODIFY", keys, f.item());
      r.getDynamodb().setSequenceNumber(Long.toString(sequence.incrementAndGet()));
      records.add(r);
    }
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(records);
    try {
      StreamsEventResponse response = handler.handleRequest(event, null);
      int failures = response == null || response.getBatchItemFailures() == null ? 0
          : response.getBatchItemFailures().size();
      failed.addAndGet(failures);
      indexed.addAndGet(records.size() - failures);
    } catch (RuntimeException e) {
      LOG.error("Search index catch-up: {} version(s) could not be indexed: {}", records.size(), e.toString());
      failed.addAndGet(records.size());
    }
  }

  private void progress() {
    long now = System.nanoTime();
    long due = nextProgress.get();
    if (now >= due && nextProgress.compareAndSet(due, now + PROGRESS_EVERY_NANOS)) {
      double seconds = (now - started) / 1e9;
      log.info(String.format("Catching up the search index with the table: %,d resource(s) checked, %,d "
          + "re-indexed (%,.0f resources/s)", resources.get(), indexed.get(), resources.get() / seconds));
    }
  }
}
