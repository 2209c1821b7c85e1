package io.fwoa.server.storage.dynamo;

import static io.fwoa.server.storage.dynamo.Items.s;
import static io.fwoa.server.storage.dynamo.Items.str;

import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** History pages: instance history from the table, type and system history from the history indexes. */
final class HistoryReader {

  private static final int BATCH_GET_MAX = 100;

  private final Table table;
  private final Transactions transactions;
  private final DocumentCodec codec;

  HistoryReader(Table table, Transactions transactions, DocumentCodec codec) {
    this.table = table;
    this.transactions = transactions;
    this.codec = codec;
  }

  HistoryPage history(HistoryQuery q) {
    Map<String, AttributeValue> start = q.pageToken() == null ? null : PageTokens.decode(q.pageToken());
    String since = q.since() == null ? null : Items.formatInstant(q.since());
    List<Map<String, AttributeValue>> collected = new ArrayList<>();
    List<Map<String, AttributeValue>> positions = new ArrayList<>();
    boolean more = false;
    while (true) {
      QueryResponse page = table.client().query(historyQuery(q, since, start, q.count() + 1 - collected.size()));
      for (Map<String, AttributeValue> item : page.items()) {
        if (collected.size() == q.count()) {
          more = true;
          break;
        }
        if (q.id() != null) {
          Optional<Map<String, AttributeValue>> visible = transactions.visible(item);
          if (visible.isEmpty()) {
            continue;
          }
        }
        collected.add(item);
        positions.add(item);
      }
      start = Table.lastKey(page);
      if (more || start == null) {
        break;
      }
    }
    List<StoredVersion> versions = new ArrayList<>(collected.size());
    if (q.id() != null) {
      collected.forEach(i -> versions.add(codec.decode(i)));
    } else {
      versions.addAll(fetch(collected));
    }
    String next = more && !positions.isEmpty() ? PageTokens.encode(positionOf(positions.get(positions.size() - 1), q))
        : null;
    return new HistoryPage(versions, next);
  }

  private QueryRequest historyQuery(HistoryQuery q, String since, Map<String, AttributeValue> start, int limit) {
    QueryRequest.Builder b = QueryRequest.builder().tableName(table.name()).scanIndexForward(false)
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

  /**
   * The full items behind index entries, in index order. BatchGetItem reads are eventually
   * consistent (and dynalite's lookups were seen to return an item's staged copy after it was
   * published): an item that comes back staged or not at all is read again through the
   * consistent path and shown only if its transaction committed.
   */
  private List<StoredVersion> fetch(List<Map<String, AttributeValue>> indexEntries) {
    Map<String, Map<String, AttributeValue>> found = new HashMap<>();
    for (int from = 0; from < indexEntries.size(); from += BATCH_GET_MAX) {
      List<Map<String, AttributeValue>> keys = new ArrayList<>();
      for (Map<String, AttributeValue> e : indexEntries.subList(from,
          Math.min(indexEntries.size(), from + BATCH_GET_MAX))) {
        keys.add(Items.key(str(e, TableSchema.ID), Transactions.vid(e)));
      }
      Map<String, KeysAndAttributes> request = Map.of(table.name(), KeysAndAttributes.builder().keys(keys).build());
      for (int attempt = 1; request != null && !request.isEmpty(); attempt++) {
        Map<String, KeysAndAttributes> r = request;
        BatchGetItemResponse response = table.client().batchGetItem(b -> b.requestItems(r));
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(table.name(), List.of())) {
          found.put(str(item, TableSchema.ID) + "#" + Transactions.vid(item), item);
        }
        request = response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()
            ? response.unprocessedKeys() : null;
        if (request != null) {
          Table.backOff(attempt);
        }
      }
    }
    List<StoredVersion> out = new ArrayList<>(indexEntries.size());
    for (Map<String, AttributeValue> e : indexEntries) {
      Map<String, AttributeValue> item = found.get(str(e, TableSchema.ID) + "#" + Transactions.vid(e));
      if (item == null || Items.isPending(item)) {
        Map<String, AttributeValue> again = table.item(Items.key(str(e, TableSchema.ID), Transactions.vid(e)));
        item = again == null ? null : transactions.visible(again).orElse(null);
      }
      if (item != null) {
        out.add(codec.decode(item));
      }
    }
    return out;
  }
}
