package io.fwoa.server.storage.dynamo;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The resource table's layout. fwoa-constructs declares the same table for the cloud
 * (FhirService); this class creates it for the local stack and tests.
 */
public final class TableSchema {

  /** Partition key: "[tenant|]Type/id" for resources, or a reserved key starting with '_'. */
  public static final String ID = "id";
  /** Sort key: version number (0 for records that are not resource versions). */
  public static final String VID = "vid";
  /** GSI of all versions of one type (sparse: committed versions only), newest by {@link #LAST_UPDATED}. */
  public static final String TYPE_HISTORY_INDEX = "type-history";
  /** GSI of all versions of the whole server (sparse: committed versions only). */
  public static final String SYSTEM_HISTORY_INDEX = "system-history";
  /** Partition key of the type history index: "[tenant|]Type". */
  public static final String TYPE_HISTORY_KEY = "typeHistory";
  /** Partition key of the system history index: the tenant, or "-" without tenancy. */
  public static final String SYSTEM_HISTORY_KEY = "systemHistory";
  /** Sort key of both history indexes: ISO-8601 instant, fixed width, so it sorts by time. */
  public static final String LAST_UPDATED = "lastUpdated";
  /**
   * How many index keys each type history and each tenant's system history is spread over (by a
   * hash of the logical id), so no single index partition takes all of a type's or a tenant's
   * writes. Shard 0 has the key format of unsharded tables. Readers merge all shards: changing
   * this number hides versions indexed under the shards it drops.
   */
  public static final int HISTORY_SHARDS = 8;
  /**
   * How many partitions transaction records are spread over (by transaction number). Shard 0 is
   * {@code _tx}, the one partition of unsharded tables; recovery reads every shard.
   */
  public static final int TX_SHARDS = 8;

  private TableSchema() {}

  public static CreateTableRequest createTableRequest(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attr(ID, ScalarAttributeType.S), attr(VID, ScalarAttributeType.N),
            attr(TYPE_HISTORY_KEY, ScalarAttributeType.S), attr(SYSTEM_HISTORY_KEY, ScalarAttributeType.S),
            attr(LAST_UPDATED, ScalarAttributeType.S))
        .keySchema(key(ID, KeyType.HASH), key(VID, KeyType.RANGE))
        .globalSecondaryIndexes(
            index(TYPE_HISTORY_INDEX, TYPE_HISTORY_KEY), index(SYSTEM_HISTORY_INDEX, SYSTEM_HISTORY_KEY))
        .build();
  }

  /** Creates the table unless it exists, and waits until it is active. */
  public static void createIfMissing(DynamoDbClient dynamo, String tableName) {
    try {
      dynamo.describeTable(b -> b.tableName(tableName));
    } catch (ResourceNotFoundException e) {
      try {
        dynamo.createTable(createTableRequest(tableName));
      } catch (ResourceInUseException raced) {
        // Another process created it first.
      }
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (dynamo.describeTable(b -> b.tableName(tableName)).table().tableStatus() != TableStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Table " + tableName + " did not become active within 60 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for table " + tableName, e);
      }
    }
  }

  private static AttributeDefinition attr(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static GlobalSecondaryIndex index(String name, String partitionKey) {
    // Keys only: history pages fetch the documents with BatchGetItem, so the indexes do not
    // store a second and third copy of every resource.
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(List.of(key(partitionKey, KeyType.HASH), key(LAST_UPDATED, KeyType.RANGE)))
        .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
        .build();
  }
}
