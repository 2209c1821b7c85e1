package io.fwoa.server.storage.dynamo;

import static io.fwoa.server.storage.dynamo.Items.TX_ID;
import static io.fwoa.server.storage.dynamo.Items.s;

import io.fwoa.server.storage.RequestDeadline;
import io.fwoa.server.storage.StorageException;
import io.fwoa.server.storage.StorageUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The resource table's item operations, shared by the store's parts. */
final class Table {

  static final int BATCH_WRITE_MAX = 25;
  private static final String NOT_EXISTS = "attribute_not_exists(#id)";

  private final DynamoDbClient dynamo;
  private final String name;
  private final Fanout fanout;

  Table(DynamoDbClient dynamo, String name, Fanout fanout) {
    this.dynamo = dynamo;
    this.name = name;
    this.fanout = fanout;
  }

  DynamoDbClient client() {
    return dynamo;
  }

  String name() {
    return name;
  }

  Fanout fanout() {
    return fanout;
  }

  /**
   * The item under a key, read consistently, or null. Every single-item read of the store comes
   * here, and it is a consistent Query on both key attributes, the same path as the reads of a
   * resource's versions: dynalite's GetItem was seen to return an item's staged copy where a
   * Query returned its published one, so all reads take the path that agrees.
   */
  Map<String, AttributeValue> item(Map<String, AttributeValue> key) {
    QueryResponse r = dynamo.query(b -> b.tableName(name)
        .keyConditionExpression("#id = :id AND #vid = :vid")
        .expressionAttributeNames(Map.of("#id", TableSchema.ID, "#vid", TableSchema.VID))
        .expressionAttributeValues(Map.of(":id", key.get(TableSchema.ID), ":vid", key.get(TableSchema.VID)))
        .consistentRead(true));
    return r.items().isEmpty() ? null : r.items().get(0);
  }

  /** Writes an item unless its key is taken. */
  void putIfAbsent(Map<String, AttributeValue> item) {
    dynamo.putItem(b -> b.tableName(name).item(item).conditionExpression(NOT_EXISTS)
        .expressionAttributeNames(Map.of("#id", TableSchema.ID)));
  }

  /** Replaces an item staged by transaction {@code txId}; false if it is no longer that one's. */
  boolean replaceStaged(Map<String, AttributeValue> item, String txId) {
    try {
      dynamo.putItem(b -> b.tableName(name).item(item).conditionExpression("#tx = :tx")
          .expressionAttributeNames(Map.of("#tx", TX_ID)).expressionAttributeValues(Map.of(":tx", s(txId))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Deletes an item staged by transaction {@code txId}, if it still is. */
  void deleteStaged(String partitionKey, long vid, String txId) {
    try {
      dynamo.deleteItem(b -> b.tableName(name).key(Items.key(partitionKey, vid))
          .conditionExpression("#tx = :tx")
          .expressionAttributeNames(Map.of("#tx", TX_ID))
          .expressionAttributeValues(Map.of(":tx", s(txId))));
    } catch (ConditionalCheckFailedException e) {
      // Never staged, already removed, or not ours: nothing to undo.
    }
  }

  void delete(Map<String, AttributeValue> key) {
    dynamo.deleteItem(b -> b.tableName(name).key(key));
  }

  /** Every item of a query, following pages. */
  List<Map<String, AttributeValue>> queryAll(QueryRequest first) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = dynamo.query(first.toBuilder().exclusiveStartKey(start).build());
      out.addAll(page.items());
      start = lastKey(page);
    } while (start != null);
    return out;
  }

  static Map<String, AttributeValue> lastKey(QueryResponse page) {
    return page.hasLastEvaluatedKey() && page.lastEvaluatedKey() != null && !page.lastEvaluatedKey().isEmpty()
        ? page.lastEvaluatedKey() : null;
  }

  /**
   * BatchWriteItem in chunks of 25, in parallel, retrying unprocessed items.
   *
   * @param written called with the number of items of each chunk once it is written, or null
   */
  void batchPut(List<Map<String, AttributeValue>> items, IntConsumer written) {
    List<Supplier<Void>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += BATCH_WRITE_MAX) {
      List<Map<String, AttributeValue>> chunk = items.subList(from, Math.min(items.size(), from + BATCH_WRITE_MAX));
      chunks.add(() -> {
        writeChunk(chunk);
        if (written != null) {
          written.accept(chunk.size());
        }
        return null;
      });
    }
    fanout.all(chunks);
  }

  private void writeChunk(List<Map<String, AttributeValue>> chunk) {
    List<WriteRequest> requests = new ArrayList<>(chunk.size());
    for (Map<String, AttributeValue> item : chunk) {
      requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    Map<String, List<WriteRequest>> pending = Map.of(name, requests);
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
  }

  /** Waits before retrying unprocessed items, but never past the request's deadline. */
  static void backOff(int attempt) {
    long pause = Math.min(1000, 10L << Math.min(attempt, 6));
    if (pause >= RequestDeadline.remainingMillis()) {
      throw new StorageUnavailableException("DynamoDB was too slow or throttled: it left items unprocessed "
          + attempt + " time(s) and the request ran out of time");
    }
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("Interrupted while retrying unprocessed DynamoDB requests");
    }
  }
}
