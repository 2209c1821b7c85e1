package io.fwoa.server.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionWrite;
import io.fwoa.server.support.LocalStack;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Type and system history are spread over {@link TableSchema#HISTORY_SHARDS} index keys; read
 * back, every level is complete, newest first, across pages, with {@code _since} and {@code
 * _count}, stable while writes go on, and versions indexed under the unsharded keys still appear.
 */
@ExtendWith(LocalStack.class)
class ShardedHistoryTest {

  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3600);

  private DynamoDbClient admin;
  private DynamoResourceStore store;
  private String table;
  /** Every version written, as "[tenant|]Type/id#vid", with its lastUpdated. */
  private final List<StoredVersion> written = new ArrayList<>();

  @BeforeEach
  void setUp(LocalFhirServer server) {
    admin = ServerFactory.dynamo(server.config());
    table = "history-" + UUID.randomUUID();
    TableSchema.createIfMissing(admin, table);
    store = new DynamoResourceStore(ServerFactory.serverDynamo(server.config()), table, Clock.systemUTC(), 60_000,
        CommitFault.NONE, 4);
  }

  @AfterEach
  void tearDown() {
    store.close();
    admin.deleteTable(b -> b.tableName(table));
    admin.close();
  }

  private StoredVersion version(ResourceKey key, long vid, Instant at) {
    return new StoredVersion(key, vid, at, false, "{\"v\":\"" + key.id() + "/" + vid + "\"}", "PUT", null);
  }

  private void write(ResourceKey key, long vid, Instant at) throws Exception {
    StoredVersion v = version(key, vid, at);
    store.write(new VersionWrite(v, Set.of(), false));
    written.add(v);
  }

  private static ResourceKey key(String type) {
    return new ResourceKey(null, type, UUID.randomUUID().toString());
  }

  /** 50 resources over two types, a 6-resource transaction (one shared instant) and 5 updates of one. */
  private ResourceKey populate() throws Exception {
    for (int i = 0; i < 50; i++) {
      write(key(i % 3 == 0 ? "Observation" : "Patient"), 1, T0.plusMillis(10L * i));
    }
    List<VersionWrite> tx = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      StoredVersion v = version(key("Patient"), 1, T0.plusMillis(1000));
      tx.add(new VersionWrite(v, Set.of(), true));
      written.add(v);
    }
    store.writeAll(tx);
    ResourceKey updated = key("Patient");
    for (int vid = 1; vid <= 6; vid++) {
      write(updated, vid, T0.plusMillis(1100 + vid));
    }
    Set<Integer> shards = new HashSet<>();
    written.forEach(v -> shards.add(Items.historyShard(v.key().id())));
    assertThat(shards).as("the resources spread over the shards").hasSizeGreaterThan(TableSchema.HISTORY_SHARDS / 2);
    return updated;
  }

  private List<StoredVersion> readAll(String type, String id, Instant since, int count) {
    List<StoredVersion> out = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      HistoryPage page = store.history(new HistoryQuery(null, type, id, since, count, token));
      assertThat(page.versions().size()).isLessThanOrEqualTo(count);
      out.addAll(page.versions());
      token = page.nextPageToken();
      assertThat(++pages).as("pages").isLessThan(200);
    } while (token != null);
    return out;
  }

  private static String ref(StoredVersion v) {
    return v.key() + "#" + v.versionId();
  }

  private void assertHistory(List<StoredVersion> read, String type, String id, Instant since) {
    List<String> expected = written.stream()
        .filter(v -> type == null || v.key().type().equals(type))
        .filter(v -> id == null || v.key().id().equals(id))
        .filter(v -> since == null || !v.lastUpdated().isBefore(since))
        .map(ShardedHistoryTest::ref).toList();
    assertThat(read).extracting(ShardedHistoryTest::ref).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(read).extracting(StoredVersion::lastUpdated).isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void everyLevelIsCompleteAndNewestFirstAcrossShardsAndPages() throws Exception {
    ResourceKey updated = populate();
    for (Instant since : new Instant[] {null, T0.plusMillis(205)}) {
      for (int count : new int[] {1, 3, 7, 100}) {
        assertHistory(readAll(null, null, since, count), null, null, since);
        assertHistory(readAll("Patient", null, since, count), "Patient", null, since);
        assertHistory(readAll("Observation", null, since, count), "Observation", null, since);
        assertHistory(readAll("Patient", updated.id(), since, count), "Patient", updated.id(), since);
      }
    }
  }

  @Test
  void pagingIsStableWhileWritesHappen() throws Exception {
    populate();
    List<String> expected = readAll(null, null, null, 1000).stream().map(ShardedHistoryTest::ref).toList();

    List<StoredVersion> read = new ArrayList<>();
    HistoryPage page = store.history(new HistoryQuery(null, null, null, null, 4, null));
    read.addAll(page.versions());
    int round = 0;
    while (page.nextPageToken() != null) {
      // Between pages: new resources and new versions, all newer than anything shown so far.
      Instant now = T0.plusSeconds(60 + round++);
      write(key("Patient"), 1, now);
      write(key("Observation"), 1, now);
      page = store.history(new HistoryQuery(null, null, null, null, 4, page.nextPageToken()));
      read.addAll(page.versions());
    }
    assertThat(read).extracting(ShardedHistoryTest::ref).containsExactlyElementsOf(expected);
  }

  /** Versions written before history was sharded are all under shard 0's keys, whatever their id. */
  @Test
  void versionsIndexedUnderTheUnshardedKeysStillAppear() throws Exception {
    populate();
    List<StoredVersion> legacy = new ArrayList<>();
    while (legacy.size() < 6) {
      ResourceKey k = key("Patient");
      if (Items.historyShard(k.id()) != 0) {
        legacy.add(version(k, 1, T0.plusMillis(5 + 97L * legacy.size())));
      }
    }
    for (StoredVersion v : legacy) {
      Map<String, AttributeValue> item = Items.committed(v, Map.of(Items.RESOURCE, Items.s(v.json())));
      item.put(TableSchema.TYPE_HISTORY_KEY, Items.s("Patient"));
      item.put(TableSchema.SYSTEM_HISTORY_KEY, Items.s("-"));
      admin.putItem(b -> b.tableName(table).item(item));
      written.add(v);
    }
    assertHistory(readAll("Patient", null, null, 5), "Patient", null, null);
    assertHistory(readAll(null, null, T0.plusMillis(100), 9), null, null, T0.plusMillis(100));
  }
}
