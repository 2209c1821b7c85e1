package io.fwoa.server.storage.dynamo;

import static io.fwoa.server.storage.dynamo.Items.s;
import static io.fwoa.server.storage.dynamo.Items.str;

import io.fwoa.server.storage.DocumentOverflow;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionConflictException;
import io.fwoa.server.storage.VersionWrite;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link ResourceStore} on one DynamoDB table (see {@link TableSchema}), with multi-item
 * transactions that need nothing beyond single-item conditional writes. The protocol is described
 * in this package's documentation and implemented by {@link Transactions}; history pages come
 * from {@link HistoryReader}.
 */
public final class DynamoResourceStore implements ResourceStore, AutoCloseable {

  private final Table table;
  private final Fanout fanout;
  private final DocumentCodec codec;
  private final Transactions transactions;
  private final HistoryReader historyReader;

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
   * @param parallelism concurrent DynamoDB calls the store makes for all requests together
   * @param overflow where documents too large for an item go, or null
   */
  public DynamoResourceStore(DynamoDbClient dynamo, String table, Clock clock, long leaseMillis, CommitFault fault,
      int parallelism, DocumentOverflow overflow) {
    this.fanout = new Fanout("fwoa-store", parallelism);
    this.table = new Table(dynamo, table, fanout);
    this.codec = new DocumentCodec(overflow);
    this.transactions = new Transactions(this.table, codec, clock, leaseMillis, fault);
    this.historyReader = new HistoryReader(this.table, transactions, codec, new PageTokens(new TokenKey(this.table)));
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<StoredVersion> current(ResourceKey key) {
    return guard(() -> currentVersion(key));
  }

  private Optional<StoredVersion> currentVersion(ResourceKey key) {
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = table.client().query(QueryRequest.builder()
          .tableName(table.name())
          .keyConditionExpression("#id = :id")
          .expressionAttributeNames(Map.of("#id", TableSchema.ID))
          .expressionAttributeValues(Map.of(":id", s(Items.partitionKey(key))))
          .scanIndexForward(false)
          .consistentRead(true)
          .limit(3)
          .exclusiveStartKey(start)
          .build());
      for (Map<String, AttributeValue> item : page.items()) {
        Optional<Map<String, AttributeValue>> visible = transactions.visible(item);
        if (visible.isPresent()) {
          return visible.map(codec::decode);
        }
      }
      start = Table.lastKey(page);
    } while (start != null);
    return Optional.empty();
  }

  @Override
  public Optional<StoredVersion> version(ResourceKey key, long versionId) {
    return guard(() -> {
      Map<String, AttributeValue> item = table.item(Items.key(Items.partitionKey(key), versionId));
      return item == null ? Optional.empty() : transactions.visible(item).map(codec::decode);
    });
  }

  @Override
  public HistoryPage history(HistoryQuery q) {
    return guard(() -> historyReader.history(q));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void write(VersionWrite write) throws VersionConflictException {
    guardWrite(() -> {
      writeOne(write);
      return null;
    });
  }

  private void writeOne(VersionWrite write) throws VersionConflictException {
    Map<String, AttributeValue> item = Items.committed(write.version(), codec.encode(write.version()));
    indexIdentifiers(List.of(write));
    for (int attempt = 0; ; attempt++) {
      try {
        table.putIfAbsent(item);
        return;
      } catch (ConditionalCheckFailedException e) {
        if (attempt > 0 || !transactions.repairSlot(write.key(), write.version().versionId())) {
          throw Transactions.conflict(write.key(), write.version().versionId());
        }
      }
    }
  }

  @Override
  public void writeAll(List<VersionWrite> writes) throws VersionConflictException {
    if (writes.isEmpty()) {
      return;
    }
    guardWrite(() -> {
      transactions.recoverPeriodically();
      transactions.writeAll(writes, () -> indexIdentifiers(writes));
      return null;
    });
  }

  @Override
  public int recoverAbandonedTransactions() {
    return guard(transactions::recoverAbandoned);
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
    table.batchPut(entries, null);
  }

  @Override
  public Set<String> idsWithIdentifierValue(String tenant, String type, String value) {
    return guard(() -> identifierIndex(tenant, type, value));
  }

  private Set<String> identifierIndex(String tenant, String type, String value) {
    Set<String> ids = new LinkedHashSet<>();
    table.queryAll(QueryRequest.builder()
            .tableName(table.name())
            .keyConditionExpression("#id = :id")
            .expressionAttributeNames(Map.of("#id", TableSchema.ID))
            .expressionAttributeValues(Map.of(":id", s(Items.identifierKey(tenant, type, value))))
            .consistentRead(true)
            .build())
        .forEach(i -> ids.add(str(i, Items.LOGICAL_ID)));
    return ids;
  }

  /** One call of the store's API, with DynamoDB's errors as the API reports them. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws VersionConflictException;
  }

  private static <T> T guardWrite(Call<T> call) throws VersionConflictException {
    try {
      return call.run();
    } catch (DynamoDbException e) {
      throw StoreErrors.translate(e);
    }
  }

  private static <T> T guard(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (DynamoDbException e) {
      throw StoreErrors.translate(e);
    }
  }

  @Override
  public void close() {
    fanout.close();
  }
}
