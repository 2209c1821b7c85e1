package io.fwoa.server.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.RequestDeadline;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StorageUnavailableException;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionConflictException;
import io.fwoa.server.storage.VersionWrite;
import io.fwoa.server.support.LocalStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The transaction protocol against dynalite: a writer that dies at any step leaves either all of
 * its versions or none visible, and recovery (by any later writer) finishes or undoes its work.
 */
@ExtendWith(LocalStack.class)
class TransactionRecoveryTest {

  private static final long LEASE = 60_000;

  /** A clock tests move forward to expire leases. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(long millis) {
      now = now.plusMillis(millis);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** What a dying process throws: nothing after it runs. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash(CommitFault.Step step, int index) {
      super("crash at " + step + " " + index);
    }
  }

  /** Table administration and raw checks (AWS SDK client). */
  private DynamoDbClient dynamo;
  /** What the stores use: the server's own client, as in production. */
  private DynamoDbClient serverClient;
  private String table;
  private MutableClock clock;
  private DynamoResourceStore healthy;
  private final List<DynamoResourceStore> stores = new ArrayList<>();

  @BeforeEach
  void setUp(LocalFhirServer server) {
    dynamo = ServerFactory.dynamo(server.config());
    serverClient = ServerFactory.serverDynamo(server.config());
    table = "recovery-" + UUID.randomUUID();
    TableSchema.createIfMissing(dynamo, table);
    clock = new MutableClock();
    healthy = store(CommitFault.NONE);
  }

  @AfterEach
  void tearDown() {
    stores.forEach(DynamoResourceStore::close);
    dynamo.deleteTable(b -> b.tableName(table));
    dynamo.close();
  }

  private DynamoResourceStore store(CommitFault fault) {
    DynamoResourceStore s = new DynamoResourceStore(serverClient, table, clock, LEASE, fault, 4);
    stores.add(s);
    return s;
  }

  private static CommitFault crashAt(CommitFault.Step step, int index) {
    return (s, i) -> {
      if (s == step && i == index) {
        throw new Crash(s, i);
      }
    };
  }

  private StoredVersion version(ResourceKey key, long vid, String json) {
    return new StoredVersion(key, vid, clock.instant().truncatedTo(ChronoUnit.MILLIS), false, json, vid == 1 ? "POST" : "PUT",
        null);
  }

  /** An existing resource at version 1, plus a transaction that updates it and creates three more. */
  private List<VersionWrite> transactionOverExisting(ResourceKey existing) throws VersionConflictException {
    healthy.write(new VersionWrite(version(existing, 1, "{\"v\":1}"), Set.of(), false));
    List<VersionWrite> writes = new ArrayList<>();
    writes.add(new VersionWrite(version(existing, 2, "{\"v\":2}"), Set.of(), false));
    for (int i = 0; i < 3; i++) {
      writes.add(new VersionWrite(version(new ResourceKey(null, "Observation", UUID.randomUUID().toString()), 1,
          "{\"obs\":" + i + "}"), Set.of(), true));
    }
    return writes;
  }

  private void assertNoneVisible(List<VersionWrite> writes, ResourceKey existing) {
    assertThat(healthy.current(existing).orElseThrow().versionId()).isEqualTo(1);
    for (VersionWrite w : writes.subList(1, writes.size())) {
      assertThat(healthy.current(w.key())).as("%s", w.key()).isEmpty();
    }
  }

  private void assertAllVisible(List<VersionWrite> writes) {
    for (VersionWrite w : writes) {
      StoredVersion v = healthy.current(w.key()).orElseThrow();
      assertThat(v.versionId()).isEqualTo(w.version().versionId());
      assertThat(v.json()).isEqualTo(w.version().json());
    }
  }

  /** Transaction records in every shard. */
  private long transactionRecords() {
    long n = 0;
    for (int shard = 0; shard < TableSchema.TX_SHARDS; shard++) {
      String partition = Items.txShardPartition(shard);
      n += dynamo.query(b -> b.tableName(table).keyConditionExpression("id = :tx")
          .expressionAttributeValues(Map.of(":tx", AttributeValue.builder().s(partition).build()))
          .consistentRead(true)).count();
    }
    return n;
  }

  @ParameterizedTest(name = "crash after staging {0} of 4")
  @ValueSource(ints = {0, 1, 3})
  void crashWhileStagingLeavesNothingAndIsRolledBackAfterTheLease(int stagedIndex) throws Exception {
    ResourceKey existing = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    List<VersionWrite> writes = transactionOverExisting(existing);

    assertThatThrownBy(() -> store(crashAt(CommitFault.Step.STAGED, stagedIndex)).writeAll(writes))
        .isInstanceOf(Crash.class);

    assertNoneVisible(writes, existing);
    // While the lease runs the resource is locked: another writer cannot take version 2.
    assertThatThrownBy(() -> healthy.write(new VersionWrite(version(existing, 2, "{\"other\":true}"), Set.of(), false)))
        .isInstanceOf(VersionConflictException.class);
    assertThat(healthy.recoverAbandonedTransactions()).isZero();

    clock.advance(LEASE + 1);
    assertThat(healthy.recoverAbandonedTransactions()).isEqualTo(1);
    assertThat(transactionRecords()).isZero();
    assertNoneVisible(writes, existing);
    healthy.write(new VersionWrite(version(existing, 2, "{\"other\":true}"), Set.of(), false));
    assertThat(healthy.current(existing).orElseThrow().json()).isEqualTo("{\"other\":true}");
    assertThat(healthy.version(writes.get(1).key(), 1)).isEmpty();
  }

  @Test
  void aWriterFindingAnExpiredLockRollsItBackItself() throws Exception {
    ResourceKey existing = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    List<VersionWrite> writes = transactionOverExisting(existing);
    assertThatThrownBy(() -> store(crashAt(CommitFault.Step.STAGED, 3)).writeAll(writes)).isInstanceOf(Crash.class);

    clock.advance(LEASE + 1);
    // No sweep: the single write repairs the slot it needs.
    healthy.write(new VersionWrite(version(existing, 2, "{\"after\":true}"), Set.of(), false));

    assertThat(healthy.current(existing).orElseThrow().json()).isEqualTo("{\"after\":true}");
    assertThat(healthy.current(writes.get(1).key())).isEmpty();
  }

  @Test
  void crashAfterCommitIsVisibleAtOnceAndPublishedByRecovery() throws Exception {
    ResourceKey existing = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    List<VersionWrite> writes = transactionOverExisting(existing);

    assertThatThrownBy(() -> store(crashAt(CommitFault.Step.COMMITTED, 0)).writeAll(writes))
        .isInstanceOf(Crash.class);

    assertAllVisible(writes);
    assertThat(healthy.version(existing, 2).orElseThrow().json()).isEqualTo("{\"v\":2}");
    HistoryPage before = healthy.history(new HistoryQuery(null, "Observation", null, null, 100, null));
    assertThat(before.versions()).isEmpty();

    clock.advance(LEASE + 1);
    assertThat(healthy.recoverAbandonedTransactions()).isEqualTo(1);
    assertAllVisible(writes);
    assertThat(transactionRecords()).isZero();
    HistoryPage after = healthy.history(new HistoryQuery(null, "Observation", null, null, 100, null));
    assertThat(after.versions()).hasSize(3);
    HistoryPage instance = healthy.history(new HistoryQuery(null, "Patient", existing.id(), null, 100, null));
    assertThat(instance.versions()).extracting(StoredVersion::versionId).containsExactly(2L, 1L);
  }

  @Test
  void crashHalfWayThroughPublishingIsFinishedByRecovery() throws Exception {
    ResourceKey existing = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    List<VersionWrite> writes = transactionOverExisting(existing);

    assertThatThrownBy(() -> store(crashAt(CommitFault.Step.PUBLISHED, 1)).writeAll(writes))
        .isInstanceOf(Crash.class);
    assertAllVisible(writes);

    clock.advance(LEASE + 1);
    healthy.recoverAbandonedTransactions();
    assertAllVisible(writes);
    assertThat(transactionRecords()).isZero();
    assertThat(healthy.history(new HistoryQuery(null, "Observation", null, null, 100, null)).versions()).hasSize(3);
  }

  @Test
  void crashBeforeStagingLeavesOnlyARecordThatRecoveryRemoves() throws Exception {
    ResourceKey existing = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    List<VersionWrite> writes = transactionOverExisting(existing);
    assertThatThrownBy(() -> store(crashAt(CommitFault.Step.RECORDED, 0)).writeAll(writes)).isInstanceOf(Crash.class);
    assertNoneVisible(writes, existing);
    clock.advance(LEASE + 1);
    assertThat(healthy.recoverAbandonedTransactions()).isEqualTo(1);
    assertThat(transactionRecords()).isZero();
  }

  @Test
  void aWriterWhoseLeaseRanOutCannotCommit() throws Exception {
    ResourceKey existing = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    List<VersionWrite> writes = transactionOverExisting(existing);
    // The writer stalls after staging; meanwhile its lease expires and someone recovers.
    DynamoResourceStore slow = store((step, index) -> {
      if (step == CommitFault.Step.STAGED && index == 3) {
        clock.advance(LEASE + 1);
        healthy.recoverAbandonedTransactions();
      }
    });

    assertThatThrownBy(() -> slow.writeAll(writes)).isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("lease");
    assertNoneVisible(writes, existing);
    assertThat(transactionRecords()).isZero();
  }

  /**
   * A writer died while rolling back: its record says ROLLED_BACK and its staged items still hold
   * two slots. A transaction over both resources, on a store with a pool of one or two threads,
   * meets both slots; repairing them rolls the dead transaction back, which fans out again. That
   * must never wait on the same pool (before the fix it hung here forever).
   */
  @ParameterizedTest(name = "pool of {0}")
  @ValueSource(ints = {1, 2})
  void repairingSlotsDuringStagingDoesNotDeadlockASmallPool(int parallelism) throws Exception {
    DynamoResourceStore small = new DynamoResourceStore(serverClient, table, clock, LEASE, CommitFault.NONE,
        parallelism);
    stores.add(small);
    List<ResourceKey> keys = new ArrayList<>();
    List<AttributeValue> listed = new ArrayList<>();
    long deadTx = 4242;
    for (int i = 0; i < 2; i++) {
      ResourceKey key = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
      keys.add(key);
      healthy.write(new VersionWrite(version(key, 1, "{\"v\":1}"), Set.of(), false));
      dynamo.putItem(b -> b.tableName(table).item(Items.pending(version(key, 2, "{\"dead\":true}"),
          Long.toString(deadTx), Map.of(Items.RESOURCE, AttributeValue.builder().s("{\"dead\":true}").build()))));
      listed.add(AttributeValue.builder().s("2/" + Items.partitionKey(key)).build());
    }
    Map<String, AttributeValue> record = Items.key(Items.TX_PARTITION, deadTx);
    record.put(Items.TX_STATUS, AttributeValue.builder().s(Items.ROLLED_BACK).build());
    record.put(Items.TX_EXPIRES_AT, AttributeValue.builder().n(Long.toString(clock.millis() + LEASE)).build());
    record.put(Items.TX_ITEMS, AttributeValue.builder().l(listed).build());
    dynamo.putItem(b -> b.tableName(table).item(record));

    List<VersionWrite> writes = new ArrayList<>();
    for (ResourceKey key : keys) {
      writes.add(new VersionWrite(version(key, 2, "{\"v\":2}"), Set.of(), false));
    }
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      assertThatThrownBy(() -> small.writeAll(writes)).isInstanceOf(VersionConflictException.class);
    }, "the store deadlocked");

    // The loser left nothing behind and freed the dead transaction's slots: a retry goes through.
    assertThat(transactionRecords()).isZero();
    for (ResourceKey key : keys) {
      assertThat(healthy.version(key, 2)).isEmpty();
    }
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> small.writeAll(writes));
    for (ResourceKey key : keys) {
      assertThat(healthy.current(key).orElseThrow().json()).isEqualTo("{\"v\":2}");
    }
    assertThat(transactionRecords()).isZero();
  }

  /**
   * Records written before they were sharded are all in {@code _tx}, whatever their number:
   * readers still find them (a committed one's versions are visible), and recovery finishes or
   * rolls them back.
   */
  @Test
  void recordsInTheUnshardedPartitionAreFoundAndRecovered() throws Exception {
    long committedTx = 8L * 1000 + 3; // its own shard would be 3
    long stagingTx = 8L * 1000 + 5;
    ResourceKey committed = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    ResourceKey staged = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    legacyTransaction(committedTx, Items.COMMITTED, committed);
    legacyTransaction(stagingTx, Items.STAGING, staged);

    assertThat(healthy.current(committed).orElseThrow().json()).isEqualTo("{\"legacy\":true}");
    assertThat(healthy.version(committed, 1)).isPresent();
    assertThat(healthy.current(staged)).isEmpty();

    clock.advance(LEASE + 1);
    assertThat(healthy.recoverAbandonedTransactions()).isEqualTo(2);
    assertThat(transactionRecords()).isZero();
    assertThat(healthy.current(committed).orElseThrow().json()).isEqualTo("{\"legacy\":true}");
    assertThat(healthy.history(new HistoryQuery(null, "Patient", null, null, 100, null)).versions())
        .extracting(v -> v.key().id()).contains(committed.id()).doesNotContain(staged.id());
    assertThat(healthy.current(staged)).isEmpty();
  }

  /** A transaction as an unsharded writer left it: record in {@code _tx}, one staged version. */
  private void legacyTransaction(long txNum, String status, ResourceKey key) {
    Map<String, AttributeValue> doc = Map.of(Items.RESOURCE, AttributeValue.builder().s("{\"legacy\":true}").build());
    dynamo.putItem(b -> b.tableName(table).item(Items.pending(version(key, 1, "{\"legacy\":true}"),
        Long.toString(txNum), doc)));
    Map<String, AttributeValue> record = Items.key(Items.TX_PARTITION, txNum);
    record.put(Items.TX_STATUS, AttributeValue.builder().s(status).build());
    record.put(Items.TX_EXPIRES_AT, AttributeValue.builder().n(Long.toString(clock.millis() + LEASE)).build());
    record.put(Items.TX_ITEMS, AttributeValue.builder().l(AttributeValue.builder()
        .s("1/" + Items.partitionKey(key)).build()).build());
    dynamo.putItem(b -> b.tableName(table).item(record));
  }

  /**
   * The request's deadline passes while the transaction stages (here a staging task stalls): the
   * store gives up, rolls the transaction back in its grace time, and reports DynamoDB as too slow.
   */
  @Test
  void aTransactionInterruptedByTheRequestDeadlineIsRolledBack() throws Exception {
    ResourceKey existing = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    List<VersionWrite> writes = transactionOverExisting(existing);
    DynamoResourceStore stalling = store((step, index) -> {
      if (step == CommitFault.Step.STAGED && index == 0) {
        try {
          Thread.sleep(700);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });

    try (RequestDeadline.Scope deadline = RequestDeadline.start(300)) {
      assertThatThrownBy(() -> stalling.writeAll(writes)).isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("DynamoDB was too slow or throttled");
    }
    assertNoneVisible(writes, existing);
    assertThat(transactionRecords()).isZero();
    assertThat(healthy.version(existing, 2)).isEmpty();
    healthy.write(new VersionWrite(version(existing, 2, "{\"next\":true}"), Set.of(), false));
  }

  @Test
  void concurrentTransactionsOnTheSameResourceSerialize() throws Exception {
    ResourceKey shared = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
    healthy.write(new VersionWrite(version(shared, 1, "{\"v\":1}"), Set.of(), false));
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Boolean>> results = new ArrayList<>();
    List<List<VersionWrite>> batches = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      List<VersionWrite> batch = new ArrayList<>();
      batch.add(new VersionWrite(version(shared, 2, "{\"writer\":" + w + "}"), Set.of(), false));
      for (int i = 0; i < 30; i++) {
        batch.add(new VersionWrite(version(new ResourceKey(null, "Observation", UUID.randomUUID().toString()), 1,
            "{\"w\":" + w + "}"), Set.of(), true));
      }
      batches.add(batch);
      DynamoResourceStore s = store(CommitFault.NONE);
      results.add(pool.submit((Callable<Boolean>) () -> {
        try {
          s.writeAll(batch);
          return true;
        } catch (VersionConflictException e) {
          return false;
        }
      }));
    }
    int winner = -1;
    for (int w = 0; w < writers; w++) {
      if (results.get(w).get()) {
        assertThat(winner).as("only one transaction may take version 2").isEqualTo(-1);
        winner = w;
      }
    }
    pool.shutdown();
    assertThat(winner).isNotEqualTo(-1);
    assertThat(healthy.current(shared).orElseThrow().json()).isEqualTo("{\"writer\":" + winner + "}");
    for (int w = 0; w < writers; w++) {
      for (VersionWrite write : batches.get(w).subList(1, 31)) {
        assertThat(healthy.current(write.key()).isPresent()).isEqualTo(w == winner);
      }
    }
    assertThat(transactionRecords()).isZero();
  }
}
