package io.fwoa.server.storage.dynamo;

import static io.fwoa.server.storage.dynamo.Items.COMMITTED;
import static io.fwoa.server.storage.dynamo.Items.ROLLED_BACK;
import static io.fwoa.server.storage.dynamo.Items.STAGING;
import static io.fwoa.server.storage.dynamo.Items.TX_EXPIRES_AT;
import static io.fwoa.server.storage.dynamo.Items.TX_ID;
import static io.fwoa.server.storage.dynamo.Items.TX_ITEMS;
import static io.fwoa.server.storage.dynamo.Items.TX_PARTITION;
import static io.fwoa.server.storage.dynamo.Items.TX_STATUS;
import static io.fwoa.server.storage.dynamo.Items.n;
import static io.fwoa.server.storage.dynamo.Items.s;
import static io.fwoa.server.storage.dynamo.Items.str;

import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StorageException;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionConflictException;
import io.fwoa.server.storage.VersionWrite;
import io.fwoa.server.storage.DocumentOverflow;
import io.fwoa.server.storage.DocumentTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link ResourceStore} on one DynamoDB table (see {@link TableSchema}), with multi-item
 * transactions that need nothing beyond single-item conditional writes. The protocol is described
 * in this package's documentation.
 */
public final class DynamoResourceStore implements ResourceStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoResourceStore.class);
  private static final int BATCH_WRITE_MAX = 25;
  private static final int BATCH_GET_MAX = 100;
  private static final String NOT_EXISTS = "attribute_not_exists(#id)";

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final long leaseMillis;
  private final CommitFault fault;
  private final ExecutorService pool;
  private final SecureRandom random = new SecureRandom();
  private final DocumentOverflow overflow;

  public DynamoResourceStore(DynamoDbClient dynamo, String table, DocumentOverflow overflow) {
    this(dynamo, table, Clock.systemUTC(), 60_000, CommitFault.NONE, 8, overflow);
  }

  public DynamoResourceStore(DynamoDbClient dynamo, String table, Clock clock, long leaseMillis, CommitFault fault,
      int parallelism) {
    this(dynamo, table, clock, leaseMillis, fault, parallelism, null);
  }

  /**
   * @param leaseMillis how long a transaction may stay uncommitted before others may roll it back;
   *     must exceed the longest request (API Gateway stops at 29 s)
   * @param parallelism concurrent DynamoDB calls one transaction may make
   * @param overflow where documents too large for an item go, or null
   */
  public DynamoResourceStore(DynamoDbClient dynamo, String table, Clock clock, long leaseMillis, CommitFault fault,
      int parallelism, DocumentOverflow overflow) {
    this.overflow = overflow;
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.leaseMillis = leaseMillis;
    this.fault = fault;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "fwoa-store-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(parallelism, threads);
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<StoredVersion> current(ResourceKey key) {
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = dynamo.query(QueryRequest.builder()
          .tableName(table)
          .keyConditionExpression("#id = :id")
          .expressionAttributeNames(Map.of("#id", TableSchema.ID))
          .expressionAttributeValues(Map.of(":id", s(Items.partitionKey(key))))
          .scanIndexForward(false)
          .consistentRead(true)
          .limit(3)
          .exclusiveStartKey(start)
          .build());
      for (Map<String, AttributeValue> item : page.items()) {
        Optional<Map<String, AttributeValue>> visible = visible(item);
        if (visible.isPresent()) {
          return visible.map(this::toVersion);
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return Optional.empty();
  }

  @Override
  public Optional<StoredVersion> version(ResourceKey key, long versionId) {
    Map<String, AttributeValue> item = get(Items.key(Items.partitionKey(key), versionId));
    return item == null ? Optional.empty() : visible(item).map(this::toVersion);
  }

  /**
   * What readers see of an item: committed items as they are; a staged item only once its
   * transaction record says COMMITTED (read committed, without writing on the read path).
   */
  private Optional<Map<String, AttributeValue>> visible(Map<String, AttributeValue> item) {
    if (!Items.isPending(item)) {
      return Optional.of(item);
    }
    Map<String, AttributeValue> tx = transactionRecord(str(item, TX_ID));
    if (tx != null) {
      return COMMITTED.equals(str(tx, TX_STATUS)) ? Optional.of(item) : Optional.empty();
    }
    // The record is deleted only after every item is published or removed: look again.
    Map<String, AttributeValue> again = get(Items.key(str(item, TableSchema.ID), vid(item)));
    return again == null || Items.isPending(again) ? Optional.empty() : Optional.of(again);
  }

  // ---------------------------------------------------------------- single writes

  @Override
  public void write(VersionWrite write) throws VersionConflictException {
    Map<String, AttributeValue> item = Items.committed(write.version(), encode(write.version()));
    indexIdentifiers(List.of(write));
    for (int attempt = 0; ; attempt++) {
      try {
        putIfAbsent(item);
        return;
      } catch (ConditionalCheckFailedException e) {
        if (attempt > 0 || !repairSlot(write.key(), write.version().versionId())) {
          throw conflict(write.key(), write.version().versionId());
        }
      }
    }
  }

  private void putIfAbsent(Map<String, AttributeValue> item) {
    dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression(NOT_EXISTS)
        .expressionAttributeNames(Map.of("#id", TableSchema.ID)));
  }

  /**
   * A version slot was taken. If a dead or rolled-back transaction holds it, roll that
   * transaction back so the slot is free again.
   *
   * @return true if the slot was freed
   */
  private boolean repairSlot(ResourceKey key, long vid) {
    Map<String, AttributeValue> item = get(Items.key(Items.partitionKey(key), vid));
    if (item == null) {
      return true;
    }
    if (!Items.isPending(item)) {
      return false;
    }
    String txId = str(item, TX_ID);
    Map<String, AttributeValue> tx = transactionRecord(txId);
    if (tx == null) {
      deletePending(str(item, TableSchema.ID), vid, txId);
      return true;
    }
    String status = str(tx, TX_STATUS);
    if (ROLLED_BACK.equals(status) || (STAGING.equals(status) && expired(tx))) {
      rollBack(tx);
      return true;
    }
    return false;
  }

  private static VersionConflictException conflict(ResourceKey key, long vid) {
    return new VersionConflictException(key, "Version " + vid + " of " + key.reference()
        + " was written concurrently (or is held by a transaction in progress)");
  }

  // ---------------------------------------------------------------- transactions

  @Override
  public void writeAll(List<VersionWrite> writes) throws VersionConflictException {
    if (writes.isEmpty()) {
      return;
    }
    recoverAbandonedTransactions();
    long txNum = random.nextLong() & Long.MAX_VALUE;
    String txId = Long.toString(txNum);
    List<AttributeValue> listed = new ArrayList<>(writes.size());
    for (VersionWrite w : writes) {
      listed.add(s(w.version().versionId() + "/" + Items.partitionKey(w.key())));
    }
    Map<String, AttributeValue> record = Items.key(TX_PARTITION, txNum);
    record.put(TX_STATUS, s(STAGING));
    record.put(TX_EXPIRES_AT, n(clock.millis() + leaseMillis));
    record.put(TX_ITEMS, AttributeValue.builder().l(listed).build());
    putIfAbsent(record);
    fault.at(CommitFault.Step.RECORDED, 0);

    List<Map<String, AttributeValue>> documents = new ArrayList<>(writes.size());
    try {
      for (VersionWrite w : writes) {
        documents.add(encode(w.version()));
      }
      indexIdentifiers(writes);
      stage(writes, txId, documents);
    } catch (VersionConflictException | SdkException | DocumentTooLargeException e) {
      rollBackQuietly(record);
      throw e;
    }

    try {
      dynamo.updateItem(b -> b.tableName(table).key(Items.key(TX_PARTITION, txNum))
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
    }
    fault.at(CommitFault.Step.COMMITTED, 0);

    // Committed: readers already see every version. Publishing makes them plain items again
    // (and puts them in the history indexes); if we die here, recovery finishes the job.
    List<Map<String, AttributeValue>> published = new ArrayList<>(writes.size());
    for (int i = 0; i < writes.size(); i++) {
      published.add(Items.committed(writes.get(i).version(), documents.get(i)));
    }
    batchPut(published, CommitFault.Step.PUBLISHED);
    dynamo.deleteItem(b -> b.tableName(table).key(Items.key(TX_PARTITION, txNum)));
  }

  /** Claims every version slot with a pending item; fresh ids need no existence check. */
  private void stage(List<VersionWrite> writes, String txId, List<Map<String, AttributeValue>> documents)
      throws VersionConflictException {
    List<Map<String, AttributeValue>> fresh = new ArrayList<>();
    List<Map<String, AttributeValue>> claimedItems = new ArrayList<>();
    List<VersionWrite> claimed = new ArrayList<>();
    for (int i = 0; i < writes.size(); i++) {
      VersionWrite w = writes.get(i);
      if (w.freshId()) {
        fresh.add(Items.pending(w.version(), txId, documents.get(i)));
      } else {
        claimed.add(w);
        claimedItems.add(Items.pending(w.version(), txId, documents.get(i)));
      }
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    AtomicInteger staged = new AtomicInteger();
    for (int i = 0; i < claimed.size(); i++) {
      VersionWrite w = claimed.get(i);
      Map<String, AttributeValue> item = claimedItems.get(i);
      futures.add(CompletableFuture.runAsync(() -> {
        try {
          putIfAbsent(item);
        } catch (ConditionalCheckFailedException e) {
          repairSlot(w.key(), w.version().versionId());
          throw new CompletionException(conflict(w.key(), w.version().versionId()));
        }
        fault.at(CommitFault.Step.STAGED, staged.getAndIncrement());
      }, pool));
    }
    try {
      await(futures);
      batchPut(fresh, CommitFault.Step.STAGED, staged);
    } catch (CompletionException e) {
      if (e.getCause() instanceof VersionConflictException c) {
        throw c;
      }
      throw e;
    }
  }

  private boolean expired(Map<String, AttributeValue> tx) {
    AttributeValue exp = tx.get(TX_EXPIRES_AT);
    return exp == null || Long.parseLong(exp.n()) <= clock.millis();
  }

  private void rollBackQuietly(Map<String, AttributeValue> record) {
    try {
      rollBack(record);
    } catch (SdkException e) {
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
      dynamo.updateItem(b -> b.tableName(table).key(Items.key(TX_PARTITION, txNum))
          .updateExpression("SET #st = :rolledBack")
          .conditionExpression("#st IN (:staging, :rolledBack)")
          .expressionAttributeNames(Map.of("#st", TX_STATUS))
          .expressionAttributeValues(Map.of(":rolledBack", s(ROLLED_BACK), ":staging", s(STAGING))));
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> now = transactionRecord(txId);
      if (now != null && COMMITTED.equals(str(now, TX_STATUS))) {
        finish(now);
      }
      return;
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (String[] listed : listedItems(record)) {
      futures.add(CompletableFuture.runAsync(
          () -> deletePending(listed[1], Long.parseLong(listed[0]), txId), pool));
    }
    await(futures);
    dynamo.deleteItem(b -> b.tableName(table).key(Items.key(TX_PARTITION, txNum)));
  }

  /** Publishes every still-staged item of a committed transaction, then drops its record. */
  private void finish(Map<String, AttributeValue> record) {
    long txNum = vid(record);
    String txId = Long.toString(txNum);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (String[] listed : listedItems(record)) {
      futures.add(CompletableFuture.runAsync(() -> publish(listed[1], Long.parseLong(listed[0]), txId), pool));
    }
    await(futures);
    dynamo.deleteItem(b -> b.tableName(table).key(Items.key(TX_PARTITION, txNum)));
  }

  private void publish(String partitionKey, long vid, String txId) {
    Map<String, AttributeValue> item = get(Items.key(partitionKey, vid));
    if (item == null || !Items.isPending(item) || !txId.equals(str(item, TX_ID))) {
      return;
    }
    Map<String, AttributeValue> committed = Items.publishedForm(item);
    try {
      dynamo.putItem(b -> b.tableName(table).item(committed).conditionExpression("#tx = :tx")
          .expressionAttributeNames(Map.of("#tx", TX_ID)).expressionAttributeValues(Map.of(":tx", s(txId))));
    } catch (ConditionalCheckFailedException e) {
      // Published by someone else meanwhile.
    }
  }

  private void deletePending(String partitionKey, long vid, String txId) {
    try {
      dynamo.deleteItem(b -> b.tableName(table).key(Items.key(partitionKey, vid))
          .conditionExpression("#tx = :tx")
          .expressionAttributeNames(Map.of("#tx", TX_ID))
          .expressionAttributeValues(Map.of(":tx", s(txId))));
    } catch (ConditionalCheckFailedException e) {
      // Never staged, already removed, or not ours: nothing to undo.
    }
  }

  @Override
  public int recoverAbandonedTransactions() {
    int recovered = 0;
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = dynamo.query(QueryRequest.builder()
          .tableName(table)
          .keyConditionExpression("#id = :id")
          .expressionAttributeNames(Map.of("#id", TableSchema.ID))
          .expressionAttributeValues(Map.of(":id", s(TX_PARTITION)))
          .consistentRead(true)
          .exclusiveStartKey(start)
          .build());
      for (Map<String, AttributeValue> record : page.items()) {
        String status = str(record, TX_STATUS);
        if (!expired(record)) {
          continue; // its writer may still be working on it
        }
        if (COMMITTED.equals(status)) {
          finish(record);
        } else {
          rollBack(record);
        }
        recovered++;
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
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

  private Map<String, AttributeValue> transactionRecord(String txId) {
    return get(Items.key(TX_PARTITION, Long.parseLong(txId)));
  }

  // ---------------------------------------------------------------- identifier index

  private void indexIdentifiers(List<VersionWrite> writes) {
    List<Map<String, AttributeValue>> entries = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (VersionWrite w : writes) {
      for (String value : w.identifierValues()) {
        String pk = Items.identifierKey(w.key().tenant(), w.key().type(), value);
        long hash = Items.idHash(w.key().id());
        if (seen.add(pk + "#" + hash)) {
          Map<String, AttributeValue> entry = Items.key(pk, hash);
          entry.put(Items.LOGICAL_ID, s(w.key().id()));
          entries.add(entry);
        }
      }
    }
    batchPut(entries, null);
  }

  @Override
  public Set<String> idsWithIdentifierValue(String tenant, String type, String value) {
    Set<String> ids = new LinkedHashSet<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = dynamo.query(QueryRequest.builder()
          .tableName(table)
          .keyConditionExpression("#id = :id")
          .expressionAttributeNames(Map.of("#id", TableSchema.ID))
          .expressionAttributeValues(Map.of(":id", s(Items.identifierKey(tenant, type, value))))
          .consistentRead(true)
          .exclusiveStartKey(start)
          .build());
      page.items().forEach(i -> ids.add(str(i, Items.LOGICAL_ID)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return ids;
  }

  // ---------------------------------------------------------------- history

  @Override
  public HistoryPage history(HistoryQuery q) {
    Map<String, AttributeValue> start = q.pageToken() == null ? null : PageTokens.decode(q.pageToken());
    String since = q.since() == null ? null : Items.formatInstant(q.since());
    List<Map<String, AttributeValue>> collected = new ArrayList<>();
    List<Map<String, AttributeValue>> positions = new ArrayList<>();
    boolean more = false;
    while (true) {
      QueryResponse page = dynamo.query(historyQuery(q, since, start, q.count() + 1 - collected.size()));
      for (Map<String, AttributeValue> item : page.items()) {
        if (collected.size() == q.count()) {
          more = true;
          break;
        }
        if (q.id() != null) {
          Optional<Map<String, AttributeValue>> visible = visible(item);
          if (visible.isEmpty()) {
            continue;
          }
        }
        collected.add(item);
        positions.add(item);
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      if (more || start == null) {
        break;
      }
    }
    List<StoredVersion> versions = new ArrayList<>(collected.size());
    if (q.id() != null) {
      collected.forEach(i -> versions.add(toVersion(i)));
    } else {
      versions.addAll(fetch(collected));
    }
    String next = more && !positions.isEmpty() ? PageTokens.encode(positionOf(positions.get(positions.size() - 1), q))
        : null;
    return new HistoryPage(versions, next);
  }

  private QueryRequest historyQuery(HistoryQuery q, String since, Map<String, AttributeValue> start, int limit) {
    QueryRequest.Builder b = QueryRequest.builder().tableName(table).scanIndexForward(false)
        .limit(Math.max(limit, 1)).exclusiveStartKey(start);
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    String condition;
    if (q.id() != null) {
      names.put("#k", TableSchema.ID);
      values.put(":k", s(Items.partitionKey(new ResourceKey(q.tenant(), q.type(), q.id()))));
      condition = "#k = :k";
      b.consistentRead(true);
      if (since != null) {
        names.put("#lu", TableSchema.LAST_UPDATED);
        values.put(":since", s(since));
        b.filterExpression("#lu >= :since");
      }
    } else {
      if (q.type() != null) {
        b.indexName(TableSchema.TYPE_HISTORY_INDEX);
        names.put("#k", TableSchema.TYPE_HISTORY_KEY);
        values.put(":k", s(Items.typeHistoryKey(q.tenant(), q.type())));
      } else {
        b.indexName(TableSchema.SYSTEM_HISTORY_INDEX);
        names.put("#k", TableSchema.SYSTEM_HISTORY_KEY);
        values.put(":k", s(Items.systemHistoryKey(q.tenant())));
      }
      condition = "#k = :k";
      if (since != null) {
        names.put("#lu", TableSchema.LAST_UPDATED);
        values.put(":since", s(since));
        condition += " AND #lu >= :since";
      }
    }
    return b.keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
        .build();
  }

  private static Map<String, AttributeValue> positionOf(Map<String, AttributeValue> item, HistoryQuery q) {
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    key.put(TableSchema.ID, item.get(TableSchema.ID));
    key.put(TableSchema.VID, item.get(TableSchema.VID));
    if (q.id() == null) {
      String indexKey = q.type() != null ? TableSchema.TYPE_HISTORY_KEY : TableSchema.SYSTEM_HISTORY_KEY;
      key.put(indexKey, item.get(indexKey));
      key.put(TableSchema.LAST_UPDATED, item.get(TableSchema.LAST_UPDATED));
    }
    return key;
  }

  /** The full items behind index entries, in index order. */
  private List<StoredVersion> fetch(List<Map<String, AttributeValue>> indexEntries) {
    Map<String, Map<String, AttributeValue>> found = new HashMap<>();
    for (int from = 0; from < indexEntries.size(); from += BATCH_GET_MAX) {
      List<Map<String, AttributeValue>> keys = new ArrayList<>();
      for (Map<String, AttributeValue> e : indexEntries.subList(from, Math.min(indexEntries.size(), from + BATCH_GET_MAX))) {
        keys.add(Items.key(str(e, TableSchema.ID), vid(e)));
      }
      Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
      while (request != null && !request.isEmpty()) {
        Map<String, KeysAndAttributes> r = request;
        BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(r));
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
          found.put(str(item, TableSchema.ID) + "#" + vid(item), item);
        }
        request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : null;
      }
    }
    List<StoredVersion> out = new ArrayList<>(indexEntries.size());
    for (Map<String, AttributeValue> e : indexEntries) {
      Map<String, AttributeValue> item = found.get(str(e, TableSchema.ID) + "#" + vid(e));
      if (item != null) {
        out.add(toVersion(item));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- documents

  /** Items keep documents up to this size as plain strings. */
  private static final int PLAIN_LIMIT = 64 * 1024;
  /** Compressed documents up to this size stay in the item (DynamoDB's limit is 400 KB per item). */
  private static final int ITEM_LIMIT = 300 * 1024;

  /** The attributes holding a version's document: plain, gzip-compressed, or a reference to overflow. */
  private Map<String, AttributeValue> encode(StoredVersion v) {
    if (v.json() == null) {
      return Map.of();
    }
    byte[] bytes = v.json().getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= PLAIN_LIMIT) {
      return Map.of(Items.RESOURCE, s(v.json()));
    }
    byte[] gz = gzip(bytes);
    if (gz.length <= ITEM_LIMIT) {
      return Map.of(Items.RESOURCE_GZ, AttributeValue.builder().b(SdkBytes.fromByteArray(gz)).build());
    }
    if (overflow == null) {
      throw new DocumentTooLargeException("The resource is too large to store: " + bytes.length + " bytes ("
          + gz.length + " compressed; at most " + ITEM_LIMIT + " without an overflow bucket)");
    }
    byte[] nonce = new byte[6];
    random.nextBytes(nonce);
    String key = "documents/" + Items.partitionKey(v.key()) + "/" + v.versionId() + "-"
        + HexFormat.of().formatHex(nonce) + ".json.gz";
    overflow.put(key, gz);
    return Map.of(Items.RESOURCE_REF, s(key));
  }

  private StoredVersion toVersion(Map<String, AttributeValue> item) {
    String json = null;
    AttributeValue gz = item.get(Items.RESOURCE_GZ);
    if (gz != null && gz.b() != null) {
      json = gunzip(gz.b().asByteArray());
    } else if (item.get(Items.RESOURCE_REF) != null) {
      if (overflow == null) {
        throw new StorageException("Resource stored in the overflow bucket, but none is configured");
      }
      json = gunzip(overflow.get(str(item, Items.RESOURCE_REF)));
    }
    return Items.toVersion(item, json);
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 8);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String gunzip(byte[] bytes) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StorageException("A stored document is not valid gzip", e);
    }
  }

  // ---------------------------------------------------------------- plumbing

  private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
    Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
    return item == null || item.isEmpty() ? null : item;
  }

  private void batchPut(List<Map<String, AttributeValue>> items, CommitFault.Step step) {
    batchPut(items, step, new AtomicInteger());
  }

  /** BatchWriteItem in chunks of 25, in parallel, retrying unprocessed items. */
  private void batchPut(List<Map<String, AttributeValue>> items, CommitFault.Step step, AtomicInteger counter) {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int from = 0; from < items.size(); from += BATCH_WRITE_MAX) {
      List<Map<String, AttributeValue>> chunk = items.subList(from, Math.min(items.size(), from + BATCH_WRITE_MAX));
      futures.add(CompletableFuture.runAsync(() -> {
        List<WriteRequest> requests = new ArrayList<>(chunk.size());
        for (Map<String, AttributeValue> item : chunk) {
          requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        Map<String, List<WriteRequest>> pending = Map.of(table, requests);
        int attempt = 0;
        while (pending != null && !pending.isEmpty()) {
          Map<String, List<WriteRequest>> p = pending;
          BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(p));
          pending = response.hasUnprocessedItems() && !response.unprocessedItems().isEmpty()
              ? response.unprocessedItems() : null;
          if (pending != null) {
            backOff(++attempt);
          }
        }
        if (step != null) {
          for (int i = 0; i < chunk.size(); i++) {
            fault.at(step, counter.getAndIncrement());
          }
        }
      }, pool));
    }
    await(futures);
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(Math.min(1000, 10L << Math.min(attempt, 6)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("Interrupted while retrying unprocessed DynamoDB writes");
    }
  }

  private static void await(List<CompletableFuture<Void>> futures) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r && !(cause instanceof CompletionException)) {
        throw r;
      }
      throw e;
    }
  }

  private static long vid(Map<String, AttributeValue> item) {
    return Long.parseLong(item.get(TableSchema.VID).n());
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
