package io.fwoa.server.storage.dynamo;

import static io.fwoa.server.storage.dynamo.Items.n;
import static io.fwoa.server.storage.dynamo.Items.s;
import static io.fwoa.server.storage.dynamo.Items.str;

import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.dynamo.PageTokens.Binding;
import io.fwoa.server.storage.dynamo.PageTokens.IndexPosition;
import io.fwoa.server.storage.dynamo.PageTokens.Shard;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * History pages, newest first. Instance history reads the resource's partition; type and system
 * history merge the {@link TableSchema#HISTORY_SHARDS} shards of their index, and the page token
 * carries where each shard stands.
 */
final class HistoryReader {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryReader.class);
  private static final int BATCH_GET_MAX = 100;

  private final Table table;
  private final Transactions transactions;
  private final DocumentCodec codec;
  private final PageTokens tokens;

  HistoryReader(Table table, Transactions transactions, DocumentCodec codec, PageTokens tokens) {
    this.table = table;
    this.transactions = transactions;
    this.codec = codec;
    this.tokens = tokens;
  }

  HistoryPage history(HistoryQuery q) {
    String since = q.since() == null ? null : Items.formatInstant(q.since());
    Binding binding = new Binding(q.tenant(), q.type(), q.id(), since);
    return q.id() != null ? instance(q, binding) : index(q, binding);
  }

  // ---------------------------------------------------------------- instance history

  private HistoryPage instance(HistoryQuery q, Binding binding) {
    long before = q.pageToken() == null ? Long.MAX_VALUE : tokens.decodeInstance(q.pageToken(), binding);
    Map<String, String> names = new HashMap<>(Map.of("#k", TableSchema.ID, "#v", TableSchema.VID));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(
        ":k", s(Items.partitionKey(new ResourceKey(q.tenant(), q.type(), q.id()))), ":before", n(before)));
    QueryRequest.Builder query = QueryRequest.builder().tableName(table.name()).scanIndexForward(false)
        .consistentRead(true).keyConditionExpression("#k = :k AND #v < :before");
    if (binding.since() != null) {
      names.put("#lu", TableSchema.LAST_UPDATED);
      values.put(":since", s(binding.since()));
      query.filterExpression("#lu >= :since");
    }
    query.expressionAttributeNames(names).expressionAttributeValues(values);
    List<StoredVersion> versions = new ArrayList<>();
    boolean more = false;
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = table.client().query(query.limit(q.count() + 1 - versions.size())
          .exclusiveStartKey(start).build());
      for (Map<String, AttributeValue> item : page.items()) {
        if (versions.size() == q.count()) {
          more = true;
          break;
        }
        transactions.visible(item).ifPresent(v -> versions.add(codec.decode(v)));
      }
      start = Table.lastKey(page);
    } while (!more && start != null);
    String next = more ? tokens.encodeInstance(binding, versions.get(versions.size() - 1).versionId()) : null;
    return new HistoryPage(versions, next);
  }

  // ---------------------------------------------------------------- type and system history

  /** One shard of the index: its entries read so far and not yet shown, and where to go on. */
  private final class Cursor {
    final String indexAttribute;
    final String indexKey;
    final Deque<Map<String, AttributeValue>> buffer = new ArrayDeque<>();
    /** Where the next query starts (exclusive), or null to start at the top (bounded by upper). */
    Map<String, AttributeValue> start;
    boolean exhausted;
    Shard position;

    Cursor(String indexAttribute, String indexKey, Shard position) {
      this.indexAttribute = indexAttribute;
      this.indexKey = indexKey;
      this.position = position;
      this.exhausted = position.state() == Shard.State.DONE;
      if (position.state() == Shard.State.AT) {
        start = Items.key(position.partitionKey(), position.vid());
        start.put(indexAttribute, s(indexKey));
        start.put(TableSchema.LAST_UPDATED, s(position.lastUpdated()));
      }
    }

    /** Reads the next entries unless some are waiting or there are none. */
    Void fill(HistoryQuery q, String since, String upper, int limit) {
      while (buffer.isEmpty() && !exhausted) {
        Map<String, String> names = new HashMap<>(Map.of("#k", indexAttribute, "#lu", TableSchema.LAST_UPDATED));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":k", s(indexKey)));
        String condition = "#k = :k";
        boolean bounded = start == null && upper != null;
        if (since != null && bounded) {
          condition += " AND #lu BETWEEN :since AND :upper";
        } else if (since != null) {
          condition += " AND #lu >= :since";
        } else if (bounded) {
          condition += " AND #lu <= :upper";
        } else {
          names.remove("#lu");
        }
        if (since != null) {
          values.put(":since", s(since));
        }
        if (bounded) {
          values.put(":upper", s(upper));
        }
        QueryResponse page = table.client().query(QueryRequest.builder().tableName(table.name())
            .indexName(q.type() != null ? TableSchema.TYPE_HISTORY_INDEX : TableSchema.SYSTEM_HISTORY_INDEX)
            .keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
            .scanIndexForward(false).limit(limit).exclusiveStartKey(start).build());
        buffer.addAll(page.items());
        Map<String, AttributeValue> last = Table.lastKey(page);
        if (last == null) {
          exhausted = true;
        } else {
          start = last;
        }
      }
      return null;
    }

    Map<String, AttributeValue> take() {
      Map<String, AttributeValue> e = buffer.poll();
      position = Shard.at(str(e, TableSchema.LAST_UPDATED), str(e, TableSchema.ID), Transactions.vid(e));
      return e;
    }

    Shard next() {
      return buffer.isEmpty() && exhausted ? Shard.DONE : position;
    }
  }

  private HistoryPage index(HistoryQuery q, Binding binding) {
    int shards = TableSchema.HISTORY_SHARDS;
    IndexPosition from = q.pageToken() == null ? null : tokens.decodeIndex(q.pageToken(), binding, shards);
    String upper = from == null ? null : from.upper();
    List<Cursor> cursors = new ArrayList<>(shards);
    String attribute = q.type() != null ? TableSchema.TYPE_HISTORY_KEY : TableSchema.SYSTEM_HISTORY_KEY;
    for (int i = 0; i < shards; i++) {
      cursors.add(new Cursor(attribute, q.type() != null ? Items.typeHistoryKey(q.tenant(), q.type(), i)
          : Items.systemHistoryKey(q.tenant(), i), from == null ? Shard.NOT_STARTED : from.shards().get(i)));
    }
    fillAll(cursors, q, binding.since(), upper);

    List<Map<String, AttributeValue>> entries = new ArrayList<>(q.count());
    String lastShown = upper;
    while (entries.size() < q.count()) {
      Cursor newest = newest(cursors);
      if (newest == null) {
        break;
      }
      Map<String, AttributeValue> e = newest.take();
      entries.add(e);
      lastShown = str(e, TableSchema.LAST_UPDATED);
      newest.fill(q, binding.since(), upper, q.count() + 1 - entries.size());
    }
    fillAll(cursors, q, binding.since(), upper);
    String next = null;
    if (newest(cursors) != null && !entries.isEmpty()) {
      List<Shard> positions = new ArrayList<>(shards);
      cursors.forEach(c -> positions.add(c.next()));
      next = tokens.encodeIndex(binding, new IndexPosition(lastShown, positions));
    }
    return new HistoryPage(fetch(entries, q), next);
  }

  /**
   * Fills every shard that has nothing waiting, in parallel. A page takes about count / shards
   * entries from each shard when resources spread evenly, so each reads a little more than its
   * share first; a shard that runs dry while it is still the newest is read again.
   */
  private void fillAll(List<Cursor> cursors, HistoryQuery q, String since, String upper) {
    int share = Math.min(q.count() + 1, Math.max(10, 2 * (q.count() + 1) / cursors.size()));
    List<Supplier<Void>> fills = new ArrayList<>();
    for (Cursor c : cursors) {
      if (c.buffer.isEmpty() && !c.exhausted) {
        fills.add(() -> c.fill(q, since, upper, share));
      }
    }
    table.fanout().all(fills);
  }

  /** The shard whose next entry is the newest (ties: the lower shard), or null when all are done. */
  private static Cursor newest(List<Cursor> cursors) {
    Cursor best = null;
    for (Cursor c : cursors) {
      if (c.buffer.isEmpty()) {
        continue;
      }
      if (best == null || str(c.buffer.peek(), TableSchema.LAST_UPDATED)
          .compareTo(str(best.buffer.peek(), TableSchema.LAST_UPDATED)) > 0) {
        best = c;
      }
    }
    return best;
  }

  /**
   * The full items behind index entries, in index order. BatchGetItem reads are eventually
   * consistent (and dynalite's lookups were seen to return an item's staged copy after it was
   * published): an item that comes back staged or not at all is read again through the
   * consistent path and shown only if its transaction committed. Items of another tenant or
   * type (an index key shared by mistake) are never shown.
   */
  private List<StoredVersion> fetch(List<Map<String, AttributeValue>> indexEntries, HistoryQuery q) {
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
      if (item == null) {
        continue;
      }
      if (!Objects.equals(str(item, Items.TENANT), q.tenant())
          || (q.type() != null && !q.type().equals(str(item, Items.RESOURCE_TYPE)))) {
        LOG.warn("History index entry {} does not belong to the history of {}/{}", str(e, TableSchema.ID),
            q.tenant(), q.type());
        continue;
      }
      out.add(codec.decode(item));
    }
    return out;
  }
}
