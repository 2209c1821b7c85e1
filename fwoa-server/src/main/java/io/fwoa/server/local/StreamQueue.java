package io.fwoa.server.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.fwoa.server.storage.dynamo.StreamImages;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for a DynamoDB stream and its event source mapping: the records of the
 * table's writes wait here, numbered in the order they were written, until a {@link #flush} hands
 * them to the stream handler.
 *
 * <p><b>Flushes run in parallel.</b> A flush takes whatever is queued and indexes it without any
 * lock held, so concurrent requests index disjoint sets side by side and one huge resource holds
 * up only the requests whose own records it shares a batch with. Indexing the same resource from
 * two batches at once is safe: documents are written with external versions (the version
 * number), so whichever order the batches land in, the newest version stays. A short lock only
 * guards handing records over (queue, sequence numbers, the set of batches being indexed).
 *
 * <p><b>The guarantee.</b> {@code flush(since)} returns once every record numbered after {@code
 * since} and queued before the call is indexed or has failed visibly (in the returned {@link
 * Flushed}). The HTTP server passes the {@link #mark} it noted when the request began: every
 * write of the request, also those made on the store's pool threads, is numbered in that window,
 * so the request's changes are searchable when its response is sent. Records of earlier requests
 * are not waited for: those requests answer only after their own flush, and waiting for them is
 * what made every request queue behind the slowest one. (Without knowing which request made a
 * record, records of requests running alongside do fall in the window; GET and HEAD, which write
 * nothing, therefore do not flush at all.) Records that other flushes took are
 * waited for on those flushes' completion; a flush completes its own batch before it waits for
 * anyone, so waits never form a cycle, and no flush waits on work queued to a pool it occupies.
 *
 * <p><b>Failures.</b> Records the handler could not index go back to the queue and are retried
 * by the next flushes, {@value #MAX_ATTEMPTS} attempts in all; then they are logged and counted
 * as lost to the index (the table still has them: the next start of the server re-indexes them,
 * see {@link IndexCatchUp}). The flush that saw the failure reports it to its request.
 */
public final class StreamQueue {

  private static final Logger LOG = LoggerFactory.getLogger(StreamQueue.class);
  static final int MAX_ATTEMPTS = 3;
  /** Lost sequence numbers remembered for reporting (a flush only asks about its own recent window). */
  private static final int LOST_REMEMBERED = 10_000;

  /** What a flush could not make searchable among the records it answers for. */
  public record Flushed(int unsearchable, String reason) {
    static final Flushed NONE = new Flushed(0, null);

    public boolean ok() {
      return unsearchable == 0;
    }
  }

  private static final class Entry {
    final long seq;
    final DynamodbStreamRecord record;
    /** A committed resource version (what a failure count is about); other records only ride along. */
    final boolean version;
    int attempts; // only changed by the one flush that holds the entry

    Entry(long seq, DynamodbStreamRecord record, boolean version) {
      this.seq = seq;
      this.record = record;
      this.version = version;
    }

    static boolean isVersion(DynamodbStreamRecord record) {
      var s = record.getDynamodb();
      return s != null && s.getKeys() != null
          && StreamImages.kind(s.getKeys(), s.getNewImage()) == StreamImages.Kind.VERSION;
    }
  }

  /** The entries one flush took; immutable once made, completed when indexed. */
  private static final class Batch {
    final List<Entry> entries;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Sequence number to reason, of the entries that failed; set before {@link #done} completes. */
    volatile Map<Long, String> failures = Map.of();

    Batch(List<Entry> entries) {
      this.entries = entries;
    }

    boolean holdsAny(long since, long mark) {
      for (Entry e : entries) {
        if (e.seq > since && e.seq <= mark) {
          return true;
        }
      }
      return false;
    }
  }

  private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;
  private final Object lock = new Object();
  private final ArrayDeque<Entry> queue = new ArrayDeque<>(); // guarded by lock
  private final Set<Batch> indexing = new HashSet<>(); // guarded by lock
  /** The number of the last record queued; written under the lock after the record is queued. */
  private volatile long emitted = 1_000_000;
  private final ConcurrentSkipListMap<Long, String> lostRecently = new ConcurrentSkipListMap<>();
  private final AtomicLong lost = new AtomicLong();

  public StreamQueue(RequestHandler<DynamodbEvent, StreamsEventResponse> handler) {
    this.handler = handler;
  }

  /** Queues records in write order, numbering them (their stream sequence numbers). */
  void add(List<DynamodbStreamRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    boolean[] versions = new boolean[records.size()];
    for (int i = 0; i < versions.length; i++) {
      versions[i] = Entry.isVersion(records.get(i));
    }
    synchronized (lock) {
      long seq = emitted;
      for (int i = 0; i < versions.length; i++) {
        seq++;
        records.get(i).getDynamodb().setSequenceNumber(Long.toString(seq));
        queue.add(new Entry(seq, records.get(i), versions[i]));
      }
      emitted = seq;
    }
  }

  /** The number of the last record queued so far: a request notes it when it begins. */
  public long mark() {
    return emitted;
  }

  /** Indexes everything queued, waiting for every batch in progress (shutdown, tools). */
  public Flushed flushAll() {
    return flush(Long.MIN_VALUE);
  }

  /**
   * Indexes what is queued and waits until every record numbered after {@code since}, queued
   * before this call, is indexed or has failed; returns what failed of those.
   */
  public Flushed flush(long since) {
    long mark;
    Batch mine = null;
    List<Batch> running;
    synchronized (lock) {
      if (queue.isEmpty() && indexing.isEmpty()) {
        return lostSince(since, emitted);
      }
      mark = emitted;
      if (!queue.isEmpty()) {
        mine = new Batch(new ArrayList<>(queue));
        queue.clear();
      }
      running = new ArrayList<>(indexing);
      if (mine != null) {
        indexing.add(mine);
      }
    }
    if (mine != null) {
      index(mine);
    }
    TreeMap<Long, String> failed = new TreeMap<>();
    collect(mine, since, mark, failed);
    for (Batch b : running) {
      if (b.holdsAny(since, mark)) {
        b.done.join(); // completes without waiting on anyone (see index)
        collect(b, since, mark, failed);
      }
    }
    // Those lost by flushes that ended before this one began.
    failed.putAll(lostRecently.subMap(since, false, mark, true));
    if (failed.isEmpty()) {
      return Flushed.NONE;
    }
    return new Flushed(failed.size(), failed.firstEntry().getValue());
  }

  private Flushed lostSince(long since, long mark) {
    var lostNow = lostRecently.subMap(since, false, mark, true);
    return lostNow.isEmpty() ? Flushed.NONE : new Flushed(lostNow.size(), lostNow.firstEntry().getValue());
  }

  private static void collect(Batch b, long since, long mark, Map<Long, String> into) {
    if (b == null) {
      return;
    }
    for (Map.Entry<Long, String> f : b.failures.entrySet()) {
      if (f.getKey() > since && f.getKey() <= mark) {
        into.put(f.getKey(), f.getValue());
      }
    }
  }

  /**
   * Runs the handler on one batch, puts what failed back in the queue (or counts it lost), and
   * completes the batch, whatever happens.
   */
  private void index(Batch batch) {
    Map<String, Entry> bySeq = new HashMap<>();
    List<DynamodbStreamRecord> records = new ArrayList<>(batch.entries.size());
    for (Entry e : batch.entries) {
      bySeq.put(e.record.getDynamodb().getSequenceNumber(), e);
      records.add(e.record);
    }
    Map<Entry, String> failed = new HashMap<>();
    try {
      DynamodbEvent event = new DynamodbEvent();
      event.setRecords(records);
      StreamsEventResponse response = handler.handleRequest(event, null);
      List<BatchItemFailure> failures = response == null || response.getBatchItemFailures() == null ? List.of()
          : response.getBatchItemFailures();
      for (BatchItemFailure f : failures) {
        Entry e = bySeq.get(f.getItemIdentifier());
        if (e != null) {
          failed.put(e, "the search index refused it (the server log says why)");
        }
      }
    } catch (RuntimeException | Error e) {
      // In the cloud the batch would be retried and finally sent to the dead-letter queue.
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      for (Entry entry : batch.entries) {
        failed.put(entry, reason);
      }
      if (e instanceof Error err) {
        finish(batch, failed);
        throw err;
      }
    }
    finish(batch, failed);
  }

  private void finish(Batch batch, Map<Entry, String> failed) {
    Map<Long, String> reported = new HashMap<>();
    List<Entry> retry = new ArrayList<>();
    int versions = 0;
    String reason = null;
    for (Map.Entry<Entry, String> f : failed.entrySet()) {
      Entry e = f.getKey();
      e.attempts++;
      if (!e.version) {
        continue; // the indexer skips such records: nothing to make searchable, nothing to retry
      }
      versions++;
      reason = f.getValue();
      reported.put(e.seq, f.getValue());
      if (e.attempts < MAX_ATTEMPTS) {
        retry.add(e);
      } else {
        lost.incrementAndGet();
        lostRecently.put(e.seq, f.getValue());
        while (lostRecently.size() > LOST_REMEMBERED) {
          lostRecently.pollFirstEntry();
        }
      }
    }
    if (versions > 0) {
      LOG.error("{} change(s) could not be indexed: {}; {} will be retried by the next requests, {} given up on "
          + "(the next start of the server re-indexes them from the table)", versions, reason, retry.size(),
          versions - retry.size());
    }
    batch.failures = reported;
    synchronized (lock) {
      queue.addAll(retry);
      indexing.remove(batch);
    }
    batch.done.complete(null);
  }

  /** Changes that failed and wait for a retry, plus those lost to the index (see the class comment). */
  public long unsearchable() {
    long queuedAfterFailure;
    synchronized (lock) {
      queuedAfterFailure = queue.stream().filter(e -> e.attempts > 0).count();
    }
    return queuedAfterFailure + lost.get();
  }

  /** Changes given up on after {@value #MAX_ATTEMPTS} attempts (the table has them). */
  public long lost() {
    return lost.get();
  }

  /** True when nothing is queued or being indexed and nothing was lost. */
  public boolean clean() {
    synchronized (lock) {
      return queue.isEmpty() && indexing.isEmpty() && lost.get() == 0;
    }
  }
}
