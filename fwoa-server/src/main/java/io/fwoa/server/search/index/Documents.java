package io.fwoa.server.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.fhir.ParsedResources;
import io.fwoa.server.search.params.FhirPaths;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
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
 *
 * <p>Building is linear in the resource's size (distinct values are collected in hash sets) and
 * bounded, since clients choose what resources hold:
 *
 * <ul>
 *   <li>a parameter indexes at most {@value #MAX_VALUES} distinct values per resource, the first in
 *       document order, and a composite parameter at most {@value #MAX_COMBINATIONS} combinations;
 *   <li>{@code _text} and {@code _content} index at most the first {@value #MAX_TEXT} characters of
 *       the narrative's text and of the resource's strings.
 * </ul>
 *
 * Values beyond are not indexed: a search by them does not find the resource. This is logged at
 * WARN with the resource's id, once per resource type and parameter.
 */
public final class Documents {

  /** Most distinct values a parameter indexes per resource. */
  public static final int MAX_VALUES = 1_000;
  /** Most combinations a composite parameter indexes per resource. */
  public static final int MAX_COMBINATIONS = 200;
  /** Most characters {@code _text} and {@code _content} each index per resource (64 Ki). */
  public static final int MAX_TEXT = 65_536;

  private static final Logger LOG = LoggerFactory.getLogger(Documents.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern TAGS = Pattern.compile("<[^>]*>");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final Map<String, ExpressionNode> parsed = new ConcurrentHashMap<>();
  private final Map<String, List<String>> branches = new ConcurrentHashMap<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Set<String> bounded = ConcurrentHashMap.newKeySet();
  private final Map<String, List<String>> bases = new ConcurrentHashMap<>();

  /**
   * @param resourceJson the resource as stored (FHIR JSON)
   */
  public ObjectNode build(String tenant, String type, String id, long vid, Instant lastUpdated, String resourceJson) {
    Resource resource = ParsedResources.parse(resourceJson);
    ObjectNode doc = header(tenant, type, id, vid, lastUpdated, false);
    ObjectNode p = doc.putObject("p");
    ArrayNode present = doc.putArray("present");
    for (SearchParam sp : SearchParams.of(type).values()) {
      JsonNode values = switch (sp.name()) {
        case "_id" -> idValue(id);
        case "_text", "_content" -> null;
        default -> sp.isComposite() ? composite(resource, type, id, sp) : plain(resource, type, id, sp);
      };
      if (values != null && !values.isEmpty()) {
        p.set(sp.name(), values);
        present.add(sp.name());
      }
    }
    ObjectNode ft = doc.putObject("ft");
    if (resource instanceof DomainResource dr && dr.hasText() && dr.getText().hasDiv()) {
      String xhtml = Fhir.context().newXmlParser().setPrettyPrint(false).encodeToString(dr.getText().getDiv());
      String text = SPACES.matcher(TAGS.matcher(xhtml).replaceAll(" ")).replaceAll(" ").trim();
      if (text.length() > MAX_TEXT) {
        text = Strings.cut(text, MAX_TEXT).trim();
        bounded(type, id, "_text", "has more than " + MAX_TEXT + " characters of narrative text");
      }
      ft.put("text", text);
    }
    try {
      JsonNode tree = MAPPER.readTree(resourceJson);
      Text content = new Text();
      collectText(tree, "", content);
      if (content.truncated) {
        bounded(type, id, "_content", "has more than " + MAX_TEXT + " characters of text");
      }
      ft.put("content", content.toString());
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

  private static ObjectNode idValue(String id) {
    ObjectNode n = F.objectNode();
    n.putArray("code").add(id);
    return n;
  }

  private JsonNode plain(Resource resource, String type, String id, SearchParam sp) {
    DistinctValues<ObjectNode> shapes = new DistinctValues<>(MAX_VALUES);
    collect:
    for (Base v : evaluate(resource, resource, sp.resourceType() + ":" + sp.name(), sp.expression())) {
      for (ObjectNode shape : Values.shapes(sp.type(), v)) {
        if (!shapes.add(shape)) {
          break collect;
        }
      }
    }
    if (shapes.isEmpty()) {
      return null;
    }
    boolean dropped = shapes.overflowed();
    JsonNode out;
    if (sp.type() == ParamType.QUANTITY) {
      ArrayNode nested = F.arrayNode();
      shapes.values().forEach(nested::add);
      out = nested;
    } else {
      MergedValues merged = new MergedValues(MAX_VALUES);
      shapes.values().forEach(merged::add);
      dropped |= merged.overflowed();
      out = merged.toJson();
    }
    if (dropped) {
      bounded(type, id, sp.name(), "has more than " + MAX_VALUES + " distinct values");
    }
    return out;
  }

  /** One nested object per combination of part values, per value of the composite's base. */
  private JsonNode composite(Resource resource, String type, String id, SearchParam sp) {
    String what = sp.resourceType() + ":" + sp.name();
    List<SearchParam.Component> components = sp.components();
    List<String> partWhat = components.stream().map(c -> what + ":" + c.param().name()).toList();
    DistinctValues<ObjectNode> combinations = new DistinctValues<>(MAX_COMBINATIONS);
    boolean dropped = false;
    collect:
    for (String base : bases.computeIfAbsent(what, w -> bases(sp))) {
      for (Base focus : evaluate(resource, resource, what + ":base", base)) {
        List<List<ObjectNode>> parts = new ArrayList<>(components.size());
        for (int i = 0; i < components.size(); i++) {
          SearchParam.Component c = components.get(i);
          String relative = c.relative().get(base);
          DistinctValues<ObjectNode> values = new DistinctValues<>(MAX_VALUES);
          if (relative != null) {
            part:
            for (Base v : evaluate(resource, focus, partWhat.get(i), relative)) {
              for (ObjectNode shape : Values.shapes(c.param().type(), v)) {
                if (!values.add(shape)) {
                  break part;
                }
              }
            }
          }
          dropped |= values.overflowed();
          if (values.isEmpty()) {
            parts = null; // no combination without a value for every part
            break;
          }
          parts.add(new ArrayList<>(values.values()));
        }
        if (parts != null && !combine(parts, 0, F.objectNode(), combinations)) {
          break collect;
        }
      }
    }
    if (dropped || combinations.overflowed()) {
      bounded(type, id, sp.name(), "has more than " + MAX_COMBINATIONS + " combinations or " + MAX_VALUES
          + " distinct part values");
    }
    if (combinations.isEmpty()) {
      return null;
    }
    ArrayNode out = F.arrayNode();
    combinations.values().forEach(out::add);
    return out;
  }

  /**
   * A composite's bases in the order its expression lists them (the components' maps have no fixed
   * order), so that documents, and which combinations fit in the bound, do not change from run to
   * run.
   */
  private List<String> bases(SearchParam sp) {
    Set<String> keys = sp.components().get(0).relative().keySet();
    List<String> out = new ArrayList<>();
    for (String branch : SearchParams.split(sp.expression())) {
      String b = branch.trim();
      if (keys.contains(b) && !out.contains(b)) {
        out.add(b);
      }
    }
    keys.stream().filter(k -> !out.contains(k)).sorted().forEach(out::add);
    return out;
  }

  /**
   * Adds every combination of one value per part. The parts hold distinct values and none is
   * empty, so every combination reached is new for this focus and the work stays within the bound.
   *
   * @return false once a combination had to be dropped
   */
  private static boolean combine(List<List<ObjectNode>> parts, int index, ObjectNode current,
      DistinctValues<ObjectNode> out) {
    if (index == parts.size()) {
      return out.add(current.deepCopy());
    }
    for (ObjectNode v : parts.get(index)) {
      current.set("c" + index, v);
      if (!combine(parts, index + 1, current, out)) {
        return false;
      }
    }
    return true;
  }

  private void bounded(String type, String id, String param, String what) {
    if (bounded.add(type + ":" + param)) {
      LOG.warn("{}/{}: search parameter {} {}; the rest is not indexed, so searches by it do not find the "
          + "resource (logged once per type and parameter)", type, id, param, what);
    }
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

  /** Text for _content, at most {@link #MAX_TEXT} characters. */
  private static final class Text {
    private final StringBuilder out = new StringBuilder();
    private boolean truncated;

    /** @return false once full */
    boolean add(String s) {
      if (s.isEmpty()) {
        return true;
      }
      if (out.length() + s.length() > MAX_TEXT) {
        out.append(Strings.cut(s, Math.max(0, MAX_TEXT - out.length())));
        truncated = true;
        return false;
      }
      out.append(s).append(' ');
      return true;
    }

    @Override
    public String toString() {
      return Strings.cut(out.toString(), MAX_TEXT).trim();
    }
  }

  /**
   * Every string in the resource, for _content (ids, references, URLs and the narrative left out),
   * until the text is full.
   *
   * @return false once full
   */
  private static boolean collectText(JsonNode node, String name, Text out) {
    if (node.isTextual()) {
      if (!name.equals("reference") && !name.equals("id") && !name.equals("system") && !name.equals("url")
          && !name.equals("div") && !name.equals("resourceType") && !name.equals("lastUpdated")
          && !name.equals("versionId")) {
        return out.add(node.asText());
      }
    } else if (node.isArray()) {
      for (JsonNode x : node) {
        if (!collectText(x, name, out)) {
          return false;
        }
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!collectText(e.getValue(), e.getKey(), out)) {
          return false;
        }
      }
    }
    return true;
  }
}
