package io.fwoa.server.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionWrite;
import io.fwoa.server.support.LocalStack;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Reads of single versions agree with the reads of a resource's versions, and history never
 * shows a staged item as committed, even when a lookup returns an item's staged image.
 */
@ExtendWith(LocalStack.class)
class ConsistentReadsTest {

  private DynamoDbClient admin;
  private DynamoDbClient serverClient;
  private String table;
  private final List<DynamoResourceStore> stores = new ArrayList<>();

  @BeforeEach
  void setUp(LocalFhirServer server) {
    admin = ServerFactory.dynamo(server.config());
    serverClient = ServerFactory.serverDynamo(server.config());
    table = "reads-" + UUID.randomUUID();
    TableSchema.createIfMissing(admin, table);
  }

  @AfterEach
  void tearDown() {
    stores.forEach(DynamoResourceStore::close);
    admin.deleteTable(b -> b.tableName(table));
    admin.close();
  }

  private DynamoResourceStore store(DynamoDbClient client) {
    DynamoResourceStore s = new DynamoResourceStore(client, table, Clock.systemUTC(), 60_000, CommitFault.NONE, 4);
    stores.add(s);
    return s;
  }

  private static StoredVersion version(ResourceKey key, long vid, String json) {
    return new StoredVersion(key, vid, Instant.now().truncatedTo(ChronoUnit.MILLIS), false, json, "POST", null);
  }

  /**
   * What the local emulator was seen doing: GetItem answering with the first image written under
   * a key (a transaction's staged copy) after it was published, where a Query answered with the
   * published one. Every version the store committed must still read back.
   */
  @Test
  void versionReadsAgreeWithCurrentReadsWhenLookupsAreStale() throws Exception {
    DynamoResourceStore store = store(new FirstImageLookups(serverClient));
    List<VersionWrite> writes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ResourceKey key = new ResourceKey(null, "Patient", UUID.randomUUID().toString());
      writes.add(new VersionWrite(version(key, 1, "{\"n\":" + i + "}"), Set.of(), false));
    }
    store.writeAll(writes);

    for (VersionWrite w : writes) {
      assertThat(store.current(w.key()).orElseThrow().json()).isEqualTo(w.version().json());
      assertThat(store.version(w.key(), 1)).as("vread of %s", w.key()).map(StoredVersion::json)
          .contains(w.version().json());
    }
  }

  /**
   * A history index entry whose item reads back staged (an eventually consistent read, or the
   * emulator's stale lookup) and whose transaction never committed is not shown; committed
   * neighbours are.
   */
  @Test
  void historyNeverShowsAStagedItemAsCommitted() throws Exception {
    DynamoResourceStore store = store(serverClient);
    ResourceKey committed = new ResourceKey(null, "Basic", UUID.randomUUID().toString());
    store.write(new VersionWrite(version(committed, 1, "{\"ok\":true}"), Set.of(), false));
    // A staged item carrying history keys, of a transaction that has no record (rolled back).
    ResourceKey staged = new ResourceKey(null, "Basic", UUID.randomUUID().toString());
    Map<String, AttributeValue> item = Items.pending(version(staged, 1, "{\"uncommitted\":true}"), "777",
        Map.of(Items.RESOURCE, AttributeValue.builder().s("{\"uncommitted\":true}").build()));
    Items.addHistoryKeys(item, staged);
    admin.putItem(b -> b.tableName(table).item(item));

    List<String> typeHistory = store.history(new HistoryQuery(null, "Basic", null, null, 50, null)).versions()
        .stream().map(StoredVersion::json).toList();
    List<String> systemHistory = store.history(new HistoryQuery(null, null, null, null, 50, null)).versions()
        .stream().map(StoredVersion::json).toList();
    assertThat(typeHistory).containsExactly("{\"ok\":true}");
    assertThat(systemHistory).containsExactly("{\"ok\":true}");
    assertThat(store.version(staged, 1)).isEmpty();
  }

  /** The server's client, except that GetItem and BatchGetItem answer with a key's first image. */
  private static final class FirstImageLookups implements DynamoDbClient {
    private final DynamoDbClient delegate;
    private final Map<Map<String, AttributeValue>, Map<String, AttributeValue>> first = new ConcurrentHashMap<>();

    FirstImageLookups(DynamoDbClient delegate) {
      this.delegate = delegate;
    }

    private void remember(Map<String, AttributeValue> item) {
      first.putIfAbsent(Map.of(TableSchema.ID, item.get(TableSchema.ID), TableSchema.VID, item.get(TableSchema.VID)),
          item);
    }

    @Override
    public GetItemResponse getItem(GetItemRequest r) {
      Map<String, AttributeValue> stale = first.get(Map.copyOf(r.key()));
      return stale != null ? GetItemResponse.builder().item(stale).build() : delegate.getItem(r);
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
      return delegate.batchGetItem(r);
    }

    @Override
    public PutItemResponse putItem(PutItemRequest r) {
      PutItemResponse out = delegate.putItem(r);
      remember(r.item());
      return out;
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
      BatchWriteItemResponse out = delegate.batchWriteItem(r);
      r.requestItems().values().forEach(l -> l.forEach(w -> {
        if (w.putRequest() != null) {
          remember(w.putRequest().item());
        }
      }));
      return out;
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest r) {
      return delegate.updateItem(r);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest r) {
      return delegate.deleteItem(r);
    }

    @Override
    public QueryResponse query(QueryRequest r) {
      return delegate.query(r);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }
}
