package io.fwoa.server.interaction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.api.FhirException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Patch (RFC 6902): add, remove, replace, move, copy and test on a JSON document. A patch is
 * applied to a copy: on any failure the original is untouched and the caller gets a 4xx (invalid
 * patch → 400, failed test or missing target → 422).
 */
public final class JsonPatch {

  /**
   * Decimals stay as written (1.50 is not 1.5 in FHIR, and 1e1000 must reach the body check as
   * what it is, not as Infinity).
   */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private final List<JsonNode> operations;

  private JsonPatch(List<JsonNode> operations) {
    this.operations = operations;
  }

  public static JsonPatch parse(String patch) {
    JsonNode root;
    try {
      root = JSON.readTree(patch);
    } catch (JsonProcessingException e) {
      throw FhirException.badRequest("The JSON Patch is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isArray()) {
      throw FhirException.badRequest("A JSON Patch document is a JSON array of operations");
    }
    List<JsonNode> ops = new ArrayList<>();
    for (JsonNode op : root) {
      if (!op.isObject() || !op.path("op").isTextual() || !op.path("path").isTextual()) {
        throw FhirException.badRequest("Each JSON Patch operation needs 'op' and 'path': " + op);
      }
      String name = op.get("op").asText();
      switch (name) {
        case "add", "replace", "test" -> {
          if (!op.has("value")) {
            throw FhirException.badRequest("JSON Patch '" + name + "' needs a 'value': " + op);
          }
        }
        case "move", "copy" -> {
          if (!op.path("from").isTextual()) {
            throw FhirException.badRequest("JSON Patch '" + name + "' needs a 'from': " + op);
          }
        }
        case "remove" -> { }
        default -> throw FhirException.badRequest("Unknown JSON Patch operation '" + name + "'");
      }
      ops.add(op);
    }
    return new JsonPatch(ops);
  }

  /** Applies the patch to a JSON document and returns the patched document. */
  public String apply(String document) {
    JsonNode doc;
    try {
      doc = JSON.readTree(document);
    } catch (JsonProcessingException e) {
      throw new FhirException(409, org.hl7.fhir.r4.model.OperationOutcome.IssueType.PROCESSING,
          "The current version is stored in a form that cannot be read (" + e.getOriginalMessage()
          + "); it cannot be patched: replace it with a PUT of a corrected resource");
    }
    JsonNode[] root = {doc};
    for (JsonNode op : operations) {
      String path = op.get("path").asText();
      switch (op.get("op").asText()) {
        case "add" -> root[0] = add(root[0], path, op.get("value").deepCopy());
        case "remove" -> root[0] = remove(root[0], path);
        case "replace" -> root[0] = replace(root[0], path, op.get("value").deepCopy());
        case "move" -> {
          String from = op.get("from").asText();
          if (path.startsWith(from + "/")) {
            throw FhirException.unprocessable("JSON Patch cannot move '" + from + "' into its own child '" + path + "'");
          }
          JsonNode value = resolve(root[0], from).deepCopy();
          root[0] = remove(root[0], from);
          root[0] = add(root[0], path, value);
        }
        case "copy" -> root[0] = add(root[0], path, resolve(root[0], op.get("from").asText()).deepCopy());
        case "test" -> {
          if (!resolve(root[0], path).equals(op.get("value"))) {
            throw FhirException.unprocessable("JSON Patch test failed at '" + path + "'");
          }
        }
        default -> throw new IllegalStateException("checked in parse");
      }
    }
    try {
      return JSON.writeValueAsString(root[0]);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> tokens(String pointer) {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (!pointer.startsWith("/")) {
      throw FhirException.badRequest("Invalid JSON Pointer '" + pointer + "': it must start with '/'");
    }
    List<String> out = new ArrayList<>();
    for (String raw : pointer.substring(1).split("/", -1)) {
      out.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode resolve(JsonNode root, String pointer) {
    JsonNode node = root;
    for (String t : tokens(pointer)) {
      node = child(node, t, pointer);
    }
    return node;
  }

  private static JsonNode child(JsonNode node, String token, String pointer) {
    JsonNode next = null;
    if (node.isObject()) {
      next = node.get(token);
    } else if (node.isArray()) {
      int i = index(token, pointer);
      next = i < node.size() ? node.get(i) : null;
    }
    if (next == null) {
      throw FhirException.unprocessable("JSON Patch path '" + pointer + "' does not exist in the resource");
    }
    return next;
  }

  private static int index(String token, String pointer) {
    if (!token.matches("0|[1-9][0-9]{0,8}")) {
      throw FhirException.unprocessable("JSON Patch path '" + pointer + "': '" + token + "' is not an array index");
    }
    return Integer.parseInt(token);
  }

  private static JsonNode add(JsonNode root, String pointer, JsonNode value) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      return value;
    }
    JsonNode parent = root;
    for (String token : t.subList(0, t.size() - 1)) {
      parent = child(parent, token, pointer);
    }
    String last = t.get(t.size() - 1);
    if (parent.isObject()) {
      ((ObjectNode) parent).set(last, value);
    } else if (parent.isArray()) {
      ArrayNode array = (ArrayNode) parent;
      if (last.equals("-")) {
        array.add(value);
      } else {
        int i = index(last, pointer);
        if (i > array.size()) {
          throw FhirException.unprocessable("JSON Patch path '" + pointer + "' is past the end of the array");
        }
        array.insert(i, value);
      }
    } else {
      throw FhirException.unprocessable("JSON Patch path '" + pointer + "' does not point into an object or array");
    }
    return root;
  }

  /** Replaces in place, so members keep their position. */
  private static JsonNode replace(JsonNode root, String pointer, JsonNode value) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      return value;
    }
    JsonNode parent = root;
    for (String token : t.subList(0, t.size() - 1)) {
      parent = child(parent, token, pointer);
    }
    String last = t.get(t.size() - 1);
    child(parent, last, pointer);
    if (parent.isObject()) {
      ((ObjectNode) parent).set(last, value);
    } else {
      ((ArrayNode) parent).set(index(last, pointer), value);
    }
    return root;
  }

  private static JsonNode remove(JsonNode root, String pointer) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      throw FhirException.unprocessable("JSON Patch cannot remove the whole resource");
    }
    JsonNode parent = root;
    for (String token : t.subList(0, t.size() - 1)) {
      parent = child(parent, token, pointer);
    }
    String last = t.get(t.size() - 1);
    child(parent, last, pointer);
    if (parent.isObject()) {
      ((ObjectNode) parent).remove(last);
    } else {
      ((ArrayNode) parent).remove(index(last, pointer));
    }
    return root;
  }
}
