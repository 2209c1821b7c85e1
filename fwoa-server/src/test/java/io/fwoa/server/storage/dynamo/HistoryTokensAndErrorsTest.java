package io.fwoa.server.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.InvalidPageTokenException;
import io.fwoa.server.storage.InvalidRequestException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Page tokens bound to their tenant and query, their key kept in the table, and DynamoDB's refusals as 400s. */
@ExtendWith(LocalStack.class)
class HistoryTokensAndErrorsTest {

  private DynamoDbClient admin;
  private DynamoDbClient serverClient;
  private String table;
  private final List<DynamoResourceStore> stores = new ArrayList<>();

  @BeforeEach
  void setUp(LocalFhirServer server) {
    admin = ServerFactory.dynamo(server.config());
    serverClient = ServerFactory.serverDynamo(server.config());
    table = "tokens-" + UUID.randomUUID();
    TableSchema.createIfMissing(admin, table);
  }

  @AfterEach
  void tearDown() {
    stores.forEach(DynamoResourceStore::close);
    admin.deleteTable(b -> b.tableName(table));
    admin.close();
  }

  private DynamoResourceStore store() {
    DynamoResourceStore s =
        new DynamoResourceStore(serverClient, table, Clock.systemUTC(), 60_000, CommitFault.NONE, 4);
    stores.add(s);
    return s;
  }

  private static void write(DynamoResourceStore store, String tenant, String type, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      ResourceKey key = new ResourceKey(tenant, type, UUID.randomUUID().toString());
      store.write(new VersionWrite(new StoredVersion(key, 1, Instant.now().truncatedTo(ChronoUnit.MILLIS), false,
          "{\"i\":" + i + "}", "POST", null), Set.of(), false));
    }
  }

  @Test
  void aTokenOfOneTenantIsRefusedForAnother() throws Exception {
    DynamoResourceStore store = store();
    write(store, "tenantA", "Patient", 3);
    write(store, "tenantB", "Patient", 3);
    HistoryPage a = store.history(new HistoryQuery("tenantA", "Patient", null, null, 1, null));
    HistoryPage system = store.history(new HistoryQuery("tenantA", null, null, null, 1, null));
    assertThat(a.nextPageToken()).isNotNull();

    assertThatThrownBy(() -> store.history(new HistoryQuery("tenantB", "Patient", null, null, 1, a.nextPageToken())))
        .isInstanceOf(InvalidPageTokenException.class).hasMessageContaining("_page");
    assertThatThrownBy(() -> store.history(new HistoryQuery("tenantB", null, null, null, 1, system.nextPageToken())))
        .isInstanceOf(InvalidPageTokenException.class);
    assertThatThrownBy(() -> store.history(new HistoryQuery(null, null, null, null, 1, system.nextPageToken())))
        .isInstanceOf(InvalidPageTokenException.class);
    // Its own tenant pages on.
    assertThat(store.history(new HistoryQuery("tenantA", "Patient", null, null, 5, a.nextPageToken())).versions())
        .hasSize(2);
  }

  /** Every process of a deployment shares the key: another store accepts the token; the key item is not a resource. */
  @Test
  void theTokenKeyIsCreatedOnceInTheTableAndShared() throws Exception {
    DynamoResourceStore first = store();
    write(first, null, "Patient", 3);
    String token = first.history(new HistoryQuery(null, "Patient", null, null, 1, null)).nextPageToken();
    DynamoResourceStore second = store();
    assertThat(second.history(new HistoryQuery(null, "Patient", null, null, 5, token)).versions()).hasSize(2);

    Map<String, AttributeValue> key = admin.getItem(b -> b.tableName(table)
        .key(Items.key(TokenKey.PARTITION, TokenKey.PAGE_TOKENS)).consistentRead(true)).item();
    assertThat(key.get(TokenKey.SECRET).b().asByteArray()).hasSize(32);
    var keys = Map.of(TableSchema.ID, new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
        .withS(TokenKey.PARTITION));
    assertThat(StreamImages.kind(keys, keys)).isEqualTo(StreamImages.Kind.KEY);
  }

  /** What DynamoDB refuses as invalid (here a key over its 2,048-byte limit) is a 400, not a 500. */
  @Test
  void dynamoDbValidationErrorsBecomeInvalidRequests() {
    DynamoResourceStore store = store();
    ResourceKey huge = new ResourceKey(null, "Patient", "x".repeat(3000));
    StoredVersion v = new StoredVersion(huge, 1, Instant.now(), false, "{}", "PUT", null);
    assertThatThrownBy(() -> store.write(new VersionWrite(v, Set.of(), false)))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("DynamoDB refused");
    assertThatThrownBy(() -> store.writeAll(List.of(new VersionWrite(v, Set.of(), false))))
        .isInstanceOf(InvalidRequestException.class);
  }
}
