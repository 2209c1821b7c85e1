package io.fwoa.server.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shapes (see {@link Values}) merged field by field into arrays of distinct values, in the order
 * first seen: {@code {n: a, e: A}} and {@code {n: b, e: B}} give {@code {n: [a, b], e: [A, B]}}.
 * Object-valued fields (a reference's identifier) are merged the same way one level down; a
 * date's range {@code r} is a value. Each field keeps at most a given number of values.
 */
final class MergedValues {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Per field, in first-seen order: its values, or the merge of its objects. */
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final int max;
  private boolean overflowed;

  MergedValues(int max) {
    this.max = max;
  }

  void add(ObjectNode shape) {
    Iterator<Map.Entry<String, JsonNode>> it = shape.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      if (v.isObject() && !f.getKey().equals("r")) {
        ((MergedValues) fields.computeIfAbsent(f.getKey(), k -> new MergedValues(max))).add((ObjectNode) v);
        continue;
      }
      @SuppressWarnings("unchecked")
      DistinctValues<JsonNode> values = (DistinctValues<JsonNode>) fields.computeIfAbsent(f.getKey(),
          k -> new DistinctValues<>(max));
      if (v.isArray()) {
        v.forEach(values::add);
      } else {
        values.add(v);
      }
      overflowed |= values.overflowed();
    }
  }

  /** Whether some field had more distinct values than it keeps. */
  boolean overflowed() {
    if (overflowed) {
      return true;
    }
    for (Object f : fields.values()) {
      if (f instanceof MergedValues m && m.overflowed()) {
        return true;
      }
    }
    return false;
  }

  ObjectNode toJson() {
    ObjectNode out = F.objectNode();
    fields.forEach((name, f) -> {
      if (f instanceof MergedValues m) {
        out.set(name, m.toJson());
      } else {
        ArrayNode array = out.putArray(name);
        for (JsonNode v : ((DistinctValues<?>) f).values()) {
          array.add(v);
        }
      }
    });
    return out;
  }
}
