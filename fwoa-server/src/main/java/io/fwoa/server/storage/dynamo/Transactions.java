package io.fwoa.server.storage.dynamo;

import static io.fwoa.server.storage.dynamo.Items.COMMITTED;
import static io.fwoa.server.storage.dynamo.Items.ROLLED_BACK;
import static io.fwoa.server.storage.dynamo.Items.STAGING;
import static io.fwoa.server.storage.dynamo.Items.TX_EXPIRES_AT;
import static io.fwoa.server.storage.dynamo.Items.TX_ID;
import static io.fwoa.server.storage.dynamo.Items.TX_ITEMS;
import static io.fwoa.server.storage.dynamo.Items.TX_STATUS;
import static io.fwoa.server.storage.dynamo.Items.n;
import static io.fwoa.server.storage.dynamo.Items.s;
import static io.fwoa.server.storage.dynamo.Items.str;

import io.fwoa.server.storage.DocumentTooLargeException;
import io.fwoa.server.storage.RequestDeadline;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StorageException;
import io.fwoa.server.storage.VersionConflictException;
import io.fwoa.server.storage.VersionWrite;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The transaction protocol of the package documentation: record, stage, commit, publish; and
 * rollback and recovery of transactions whose writer died or lost.
 *
 * <p>Only the staging puts and the publishing and undoing of single items run in parallel (on
 * the {@link Fanout}); every step that can wait on other work (repairing a slot held by another
 * transaction, rolling back) runs on the caller's thread after the parallel phase has ended.
 */
final class Transactions {

  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
  /** Time a rollback gets after the request's deadline has passed (within the handler's margin). */
  private static final long ROLLBACK_GRACE_MILLIS = 1_500;

  private final Table table;
  private final DocumentCodec codec;
  private final Clock clock;
  private final long leaseMillis;
  private final CommitFault fault;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong nextSweep = new AtomicLong();

  Transactions(Table table, DocumentCodec codec, Clock clock, long leaseMillis, CommitFault fault) {
    this.table = table;
    this.codec = codec;
    this.clock = clock;
    this.leaseMillis = leaseMillis;
    this.fault = fault;
  }

  // ---------------------------------------------------------------- reading through transactions

  /**
   * What readers see of an item: committed items as they are; a staged item only once its
   * transaction record says COMMITTED (read committed, without writing on the read path).
   */
  Optional<Map<String, AttributeValue>> visible(Map<String, AttributeValue> item) {
    if (!Items.isPending(item)) {
      return Optional.of(item);
    }
    Map<String, AttributeValue> tx = record(str(item, TX_ID));
    if (tx != null) {
      return COMMITTED.equals(str(tx, TX_STATUS)) ? Optional.of(item) : Optional.empty();
    }
    // The record is deleted only after every item is published or removed: look again.
    Map<String, AttributeValue> again = table.item(Items.key(str(item, TableSchema.ID), vid(item)));
    return again == null || Items.isPending(again) ? Optional.empty() : Optional.of(again);
  }

  /**
   * A version slot was taken. If a dead or rolled-back transaction holds it, roll that
   * transaction back so the slot is free again. Waits on other work: never call it from a task
   * running on the store's pool.
   *
   * @return true if the slot was freed
   */
  boolean repairSlot(ResourceKey key, long vid) {
    Map<String, AttributeValue> item = table.item(Items.key(Items.partitionKey(key), vid));
    if (item == null) {
      return true;
    }
    if (!Items.isPending(item)) {
      return false;
    }
    String txId = str(item, TX_ID);
    Map<String, AttributeValue> tx = record(txId);
    if (tx == null) {
      table.deleteStaged(str(item, TableSchema.ID), vid, txId);
      return true;
    }
    String status = str(tx, TX_STATUS);
    if (ROLLED_BACK.equals(status) || (STAGING.equals(status) && expired(tx))) {
      rollBack(tx);
      return true;
    }
    return false;
  }

  static VersionConflictException conflict(ResourceKey key, long vid) {
    return new VersionConflictException(key, "Version " + vid + " of " + key.reference()
        + " was written concurrently (or is held by a transaction in progress)");
  }

  // ---------------------------------------------------------------- writing

  void writeAll(List<VersionWrite> writes, Runnable indexIdentifiers) throws VersionConflictException {
    long txNum = random.nextLong() & Long.MAX_VALUE;
    String txId = Long.toString(txNum);
    List<AttributeValue> listed = new ArrayList<>(writes.size());
    for (VersionWrite w : writes) {
      listed.add(s(w.version().versionId() + "/" + Items.partitionKey(w.key())));
    }
    Map<String, AttributeValue> record = Items.key(Items.txPartition(txNum), txNum);
    record.put(TX_STATUS, s(STAGING));
    record.put(TX_EXPIRES_AT, n(clock.millis() + leaseMillis));
    record.put(TX_ITEMS, AttributeValue.builder().l(listed).build());
    table.putIfAbsent(record);
    fault.at(CommitFault.Step.RECORDED, 0);

    List<Map<String, AttributeValue>> documents = new ArrayList<>(writes.size());
    List<VersionWrite> taken;
    try {
      for (VersionWrite w : writes) {
        documents.add(codec.encode(w.version()));
      }
      indexIdentifiers.run();
      taken = stage(writes, txId, documents);
    } catch (SdkException | StorageException | DocumentTooLargeException e) {
      rollBackQuietly(record);
      throw e;
    }
    if (!taken.isEmpty()) {
      // Free our own slots first so the others can go on, then any held by dead writers (the
      // caller retries with fresh version numbers). Here, not in the staging tasks: this waits.
      rollBackQuietly(record);
      for (VersionWrite w : taken) {
        repairSlot(w.key(), w.version().versionId());
      }
      throw conflict(taken.get(0).key(), taken.get(0).version().versionId());
    }

    try {
      RequestDeadline.check("before the transaction could commit");
      table.client().updateItem(b -> b.tableName(table.name()).key(recordKey(record))
          .updateExpression("SET #st = :committed")
          .conditionExpression("#st = :staging AND #exp > :now")
          .expressionAttributeNames(Map.of("#st", TX_STATUS, "#exp", TX_EXPIRES_AT))
          .expressionAttributeValues(Map.of(":committed", s(COMMITTED), ":staging", s(STAGING),
              ":now", n(clock.millis()))));
    } catch (ConditionalCheckFailedException e) {
      // Our lease ran out and another writer rolled us back (or is about to): nothing is visible.
      rollBackQuietly(record);
      throw new VersionConflictException(null, "The transaction took longer than its " + leaseMillis
          + " ms lease and was rolled back");
    } catch (SdkException | StorageException e) {
      // Unknown whether the commit landed: rolling back either undoes it or, if it did commit,
      // finishes it (both are conditional on the record's status).
      rollBackQuietly(record);
      throw e;
    }
    fault.at(CommitFault.Step.COMMITTED, 0);

    // Committed: readers already see every version. Publishing makes them plain items again
    // (and puts them in the history indexes); if we die here, recovery finishes the job.
    List<Map<String, AttributeValue>> published = new ArrayList<>(writes.size());
    for (int i = 0; i < writes.size(); i++) {
      published.add(Items.committed(writes.get(i).version(), documents.get(i)));
    }
    AtomicInteger done = new AtomicInteger();
    try {
      table.batchPut(published, chunk -> reached(CommitFault.Step.PUBLISHED, done, chunk));
      table.delete(recordKey(record));
    } catch (SdkException | StorageException e) {
      // Committed and visible: the request succeeded; recovery publishes the rest after the lease.
      LOG.warn("Publishing transaction {} left for recovery: {}", txId, e.getMessage());
    }
  }

  /**
   * Claims every version slot with a pending item (fresh ids need no existence check).
   *
   * @return the writes whose slot was taken (then nothing fresh was staged); empty on success
   */
  private List<VersionWrite> stage(List<VersionWrite> writes, String txId,
      List<Map<String, AttributeValue>> documents) {
    List<Map<String, AttributeValue>> fresh = new ArrayList<>();
    List<Supplier<VersionWrite>> claims = new ArrayList<>();
    AtomicInteger staged = new AtomicInteger();
    for (int i = 0; i < writes.size(); i++) {
      VersionWrite w = writes.get(i);
      Map<String, AttributeValue> item = Items.pending(w.version(), txId, documents.get(i));
      if (w.freshId()) {
        fresh.add(item);
        continue;
      }
      claims.add(() -> {
        try {
          table.putIfAbsent(item);
        } catch (ConditionalCheckFailedException e) {
          return w; // only reported: the caller's thread deals with it
        }
        fault.at(CommitFault.Step.STAGED, staged.getAndIncrement());
        return null;
      });
    }
    List<VersionWrite> taken = new ArrayList<>();
    for (VersionWrite w : table.fanout().all(claims)) {
      if (w != null) {
        taken.add(w);
      }
    }
    if (taken.isEmpty()) {
      table.batchPut(fresh, chunk -> reached(CommitFault.Step.STAGED, staged, chunk));
    }
    return taken;
  }

  private void reached(CommitFault.Step step, AtomicInteger counter, int items) {
    for (int i = 0; i < items; i++) {
      fault.at(step, counter.getAndIncrement());
    }
  }

  private boolean expired(Map<String, AttributeValue> tx) {
    AttributeValue exp = tx.get(TX_EXPIRES_AT);
    return exp == null || Long.parseLong(exp.n()) <= clock.millis();
  }

  /**
   * Rolls back, with a little time even when the request's deadline has passed (which is often
   * why we roll back); what does not fit is left for recovery.
   */
  private void rollBackQuietly(Map<String, AttributeValue> record) {
    try (RequestDeadline.Scope grace = RequestDeadline.grace(ROLLBACK_GRACE_MILLIS)) {
      rollBack(record);
    } catch (RuntimeException e) {
      // The lease expires and recovery will finish the rollback.
      LOG.warn("Rollback of transaction {} left for recovery: {}", record.get(TableSchema.VID).n(), e.getMessage());
    }
  }

  /**
   * Marks the transaction rolled back (unless it committed, in which case it is finished
   * instead), removes its staged items and then its record.
   */
  private void rollBack(Map<String, AttributeValue> record) {
    long txNum = vid(record);
    String txId = Long.toString(txNum);
    try {
      table.client().updateItem(b -> b.tableName(table.name()).key(recordKey(record))
          .updateExpression("SET #st = :rolledBack")
          .conditionExpression("#st IN (:staging, :rolledBack)")
          .expressionAttributeNames(Map.of("#st", TX_STATUS))
          .expressionAttributeValues(Map.of(":rolledBack", s(ROLLED_BACK), ":staging", s(STAGING))));
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> now = table.item(recordKey(record));
      if (now != null && COMMITTED.equals(str(now, TX_STATUS))) {
        finish(now);
      }
      return;
    }
    List<Runnable> undo = new ArrayList<>();
    for (String[] listed : listedItems(record)) {
      undo.add(() -> table.deleteStaged(listed[1], Long.parseLong(listed[0]), txId));
    }
    table.fanout().run(undo);
    table.delete(recordKey(record));
  }

  /** Publishes every still-staged item of a committed transaction, then drops its record. */
  private void finish(Map<String, AttributeValue> record) {
    long txNum = vid(record);
    String txId = Long.toString(txNum);
    List<Runnable> publish = new ArrayList<>();
    for (String[] listed : listedItems(record)) {
      publish.add(() -> publish(listed[1], Long.parseLong(listed[0]), txId));
    }
    table.fanout().run(publish);
    table.delete(recordKey(record));
  }

  private void publish(String partitionKey, long vid, String txId) {
    Map<String, AttributeValue> item = table.item(Items.key(partitionKey, vid));
    if (item == null || !Items.isPending(item) || !txId.equals(str(item, TX_ID))) {
      return;
    }
    table.replaceStaged(Items.publishedForm(item), txId); // false: published by someone else meanwhile
  }

  /**
   * Recovers abandoned transactions now if this process has not done so for a lease: the first
   * transaction of a process sweeps, later ones at most once per lease (an abandoned transaction
   * only becomes recoverable when its lease ends; writers that meet one repair it on the spot).
   */
  void recoverPeriodically() {
    long now = clock.millis();
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + leaseMillis)) {
      recoverAbandoned();
    }
  }

  /**
   * Finishes or rolls back every transaction whose lease has expired, in every shard (shard 0,
   * {@code _tx}, also holds the records of unsharded tables); returns how many.
   */
  int recoverAbandoned() {
    List<Supplier<List<Map<String, AttributeValue>>>> shards = new ArrayList<>();
    for (int shard = 0; shard < TableSchema.TX_SHARDS; shard++) {
      String partition = Items.txShardPartition(shard);
      // Only the status and lease: the key lists of busy transactions can be long.
      shards.add(() -> table.queryAll(QueryRequest.builder()
          .tableName(table.name())
          .keyConditionExpression("#id = :id")
          .projectionExpression("#id, #vid, #st, #exp")
          .expressionAttributeNames(Map.of("#id", TableSchema.ID, "#vid", TableSchema.VID, "#st", TX_STATUS,
              "#exp", TX_EXPIRES_AT))
          .expressionAttributeValues(Map.of(":id", s(partition)))
          .consistentRead(true)
          .build()));
    }
    int recovered = 0;
    for (List<Map<String, AttributeValue>> records : table.fanout().all(shards)) {
      for (Map<String, AttributeValue> summary : records) {
        if (!expired(summary)) {
          continue; // its writer may still be working on it
        }
        Map<String, AttributeValue> record = table.item(recordKey(summary));
        if (record == null) {
          continue; // finished meanwhile
        }
        if (COMMITTED.equals(str(record, TX_STATUS))) {
          finish(record);
        } else {
          rollBack(record);
        }
        recovered++;
      }
    }
    if (recovered > 0) {
      LOG.warn("Recovered {} abandoned transaction(s)", recovered);
    }
    return recovered;
  }

  private static List<String[]> listedItems(Map<String, AttributeValue> record) {
    List<String[]> out = new ArrayList<>();
    AttributeValue items = record.get(TX_ITEMS);
    if (items != null && items.hasL()) {
      for (AttributeValue v : items.l()) {
        String listed = v.s();
        int slash = listed.indexOf('/');
        out.add(new String[] {listed.substring(0, slash), listed.substring(slash + 1)});
      }
    }
    return out;
  }

  /**
   * The record of a transaction, found from its number; records of transactions staged before
   * records were sharded are in {@code _tx} whatever their number.
   */
  private Map<String, AttributeValue> record(String txId) {
    long txNum = Long.parseLong(txId);
    String partition = Items.txPartition(txNum);
    Map<String, AttributeValue> record = table.item(Items.key(partition, txNum));
    if (record == null && !partition.equals(Items.TX_PARTITION)) {
      record = table.item(Items.key(Items.TX_PARTITION, txNum));
    }
    return record;
  }

  private static Map<String, AttributeValue> recordKey(Map<String, AttributeValue> record) {
    return Items.key(str(record, TableSchema.ID), vid(record));
  }

  static long vid(Map<String, AttributeValue> item) {
    return Long.parseLong(item.get(TableSchema.VID).n());
  }
}
