package io.fwoa.server.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.search.params.FhirPaths;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the search document of a resource version: for every search parameter of its type, the
 * values its FHIRPath expression yields, as typed index fields under {@code p.<name>}. The
 * document also carries the resource itself (not indexed), so search results need no storage read.
 *
 * <pre>
 * { "id", "tenant", "rt", "vid", "lastUpdated", "deleted",
 *   "present": [names of parameters with a value],
 *   "p": { "&lt;name&gt;": values },  "ft": { "text", "content" },  "resource": {...} }
 * </pre>
 */
public final class Documents {

  private static final Logger LOG = LoggerFactory.getLogger(Documents.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Most combinations a composite parameter indexes per resource. */
  private static final int MAX_COMBINATIONS = 200;
  private static final Pattern TAGS = Pattern.compile("<[^>]*>");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final Map<String, ExpressionNode> parsed = new ConcurrentHashMap<>();
  private final Map<String, List<String>> branches = new ConcurrentHashMap<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  /**
   * @param resourceJson the resource as stored (FHIR JSON)
   */
  public ObjectNode build(String tenant, String type, String id, long vid, Instant lastUpdated, String resourceJson) {
    Resource resource = (Resource) Fhir.jsonParser().parseResource(resourceJson);
    ObjectNode doc = header(tenant, type, id, vid, lastUpdated, false);
    ObjectNode p = doc.putObject("p");
    ArrayNode present = doc.putArray("present");
    for (SearchParam sp : SearchParams.of(type).values()) {
      JsonNode values = switch (sp.name()) {
        case "_id" -> merge(List.of(token(id)));
        case "_text", "_content" -> null;
        default -> sp.isComposite() ? composite(resource, sp) : plain(resource, sp);
      };
      if (values != null && !values.isEmpty()) {
        p.set(sp.name(), values);
        present.add(sp.name());
      }
    }
    ObjectNode ft = doc.putObject("ft");
    if (resource instanceof DomainResource dr && dr.hasText() && dr.getText().hasDiv()) {
      String xhtml = Fhir.context().newXmlParser().setPrettyPrint(false).encodeToString(dr.getText().getDiv());
      ft.put("text", SPACES.matcher(TAGS.matcher(xhtml).replaceAll(" ")).replaceAll(" ").trim());
    }
    try {
      JsonNode tree = MAPPER.readTree(resourceJson);
      StringBuilder content = new StringBuilder();
      collectText(tree, "", content);
      ft.put("content", content.toString().trim());
      doc.set("resource", tree);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("The stored resource is not JSON", e);
    }
    return doc;
  }

  /** The fields every document has (a deleted marker has only these). */
  public static ObjectNode header(String tenant, String type, String id, long vid, Instant lastUpdated,
      boolean deleted) {
    ObjectNode doc = F.objectNode();
    doc.put("id", id);
    if (tenant != null) {
      doc.put("tenant", tenant);
    }
    doc.put("rt", type);
    doc.put("vid", vid);
    doc.put("lastUpdated", lastUpdated.toEpochMilli());
    doc.put("deleted", deleted);
    return doc;
  }

  private JsonNode plain(Resource resource, SearchParam sp) {
    List<ObjectNode> shapes = new ArrayList<>();
    for (Base v : evaluate(resource, resource, sp.resourceType() + ":" + sp.name(), sp.expression())) {
      shapes.addAll(Values.shapes(sp.type(), v));
    }
    if (shapes.isEmpty()) {
      return null;
    }
    if (sp.type() == ParamType.QUANTITY) {
      ArrayNode nested = F.arrayNode();
      new LinkedHashSet<>(shapes).forEach(nested::add);
      return nested;
    }
    return merge(shapes);
  }

  /** One nested object per combination of part values, per value of the composite's base. */
  private JsonNode composite(Resource resource, SearchParam sp) {
    ArrayNode out = F.arrayNode();
    Set<JsonNode> seen = new LinkedHashSet<>();
    for (String base : sp.components().get(0).relative().keySet()) {
      for (Base focus : evaluate(resource, resource, sp.resourceType() + ":" + sp.name() + ":base", base)) {
        List<List<ObjectNode>> parts = new ArrayList<>();
        for (SearchParam.Component c : sp.components()) {
          String relative = c.relative().get(base);
          List<ObjectNode> values = new ArrayList<>();
          if (relative != null) {
            for (Base v : evaluate(resource, focus, sp.resourceType() + ":" + sp.name() + ":" + c.param().name(),
                relative)) {
              values.addAll(Values.shapes(c.param().type(), v));
            }
          }
          parts.add(values);
        }
        combine(parts, 0, F.objectNode(), seen);
      }
    }
    seen.forEach(out::add);
    return out.isEmpty() ? null : out;
  }

  private static void combine(List<List<ObjectNode>> parts, int index, ObjectNode current, Set<JsonNode> out) {
    if (out.size() >= MAX_COMBINATIONS) {
      return;
    }
    if (index == parts.size()) {
      out.add(current.deepCopy());
      return;
    }
    for (ObjectNode v : parts.get(index)) {
      current.set("c" + index, v);
      combine(parts, index + 1, current, out);
    }
    current.remove("c" + index);
  }

  /**
   * Evaluates each top-level branch on its own: the union operator compares items for equality,
   * which for quantities needs a UCUM service in the engine, and the results are concatenated
   * anyway.
   */
  private List<Base> evaluate(Resource root, Base focus, String what, String expression) {
    try {
      List<String> branches = this.branches.computeIfAbsent(expression, SearchParams::split);
      if (branches.size() == 1) {
        return FhirPaths.get().evaluate(root, focus, parsed.computeIfAbsent(expression, FhirPaths.get()::parse));
      }
      List<Base> out = new ArrayList<>();
      for (String b : branches) {
        out.addAll(FhirPaths.get().evaluate(root, focus, parsed.computeIfAbsent(b, FhirPaths.get()::parse)));
      }
      return out;
    } catch (RuntimeException e) {
      // One faulty expression must not keep the resource out of the index: the other parameters
      // are still indexed. Logged once per parameter.
      if (failing.add(what)) {
        LOG.warn("Search parameter {} could not be evaluated ({}): {}", what, expression, e.toString());
      }
      return List.of();
    }
  }

  private static ObjectNode token(String code) {
    ObjectNode n = F.objectNode();
    n.put("code", code);
    return n;
  }

  /** Shapes merged field by field into arrays of distinct values. */
  private static ObjectNode merge(List<ObjectNode> shapes) {
    ObjectNode merged = F.objectNode();
    for (ObjectNode s : shapes) {
      Iterator<Map.Entry<String, JsonNode>> fields = s.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (f.getValue().isObject() && !f.getKey().equals("r")) {
          ObjectNode inner = merged.has(f.getKey()) ? (ObjectNode) merged.get(f.getKey()) : merged.putObject(f.getKey());
          ObjectNode m = merge(List.of((ObjectNode) f.getValue()));
          m.fields().forEachRemaining(e -> e.getValue().forEach(x -> addDistinct(inner.withArrayProperty(e.getKey()), x)));
          continue;
        }
        ArrayNode target = merged.withArrayProperty(f.getKey());
        if (f.getValue().isArray()) {
          f.getValue().forEach(x -> addDistinct(target, x));
        } else {
          addDistinct(target, f.getValue());
        }
      }
    }
    return merged;
  }

  private static void addDistinct(ArrayNode array, JsonNode value) {
    for (JsonNode existing : array) {
      if (existing.equals(value)) {
        return;
      }
    }
    array.add(value);
  }

  /** Every string in the resource, for _content (ids, references, URLs and the narrative left out). */
  private static void collectText(JsonNode node, String name, StringBuilder out) {
    if (node.isTextual()) {
      if (!name.equals("reference") && !name.equals("id") && !name.equals("system") && !name.equals("url")
          && !name.equals("div") && !name.equals("resourceType") && !name.equals("lastUpdated")
          && !name.equals("versionId")) {
        out.append(node.asText()).append(' ');
      }
    } else if (node.isArray()) {
      node.forEach(x -> collectText(x, name, out));
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> collectText(e.getValue(), e.getKey(), out));
    }
  }
}
