package io.fwoa.server.search.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.search.index.Values;
import io.fwoa.server.search.params.FhirPaths;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Resource;

/**
 * The query of a SMART v2 granular scope ({@code patient/Observation.rs?category=laboratory}),
 * evaluated against one resource in memory. A read by id, a write and a search must all hold a
 * granular scope to the same resources, and writes cannot wait for the search index; so granular
 * scopes are limited to what can be matched here exactly as the index matches it: token
 * parameters without modifiers ({@code code}, {@code system|code}, {@code |code}, {@code system|},
 * values joined by commas as alternatives). The values are the index's own ({@link Values}), so
 * memory and search agree.
 */
public final class GranularMatch {

  private static final Map<String, List<ExpressionNode>> PATHS = new ConcurrentHashMap<>();

  private GranularMatch() {}

  /**
   * Why a scope's query cannot be enforced on {@code type}, or null when it can.
   *
   * @param type a resource type (not {@code *})
   */
  public static String unsupported(String type, List<Map.Entry<String, String>> query) {
    for (Map.Entry<String, String> p : query) {
      String name = p.getKey();
      if (name.contains(":") || name.contains(".")) {
        return "granular scopes take token parameters without modifiers or chains, not '" + name + "'";
      }
      SearchParam param = SearchParams.find(type, name);
      if (param == null) {
        return "'" + name + "' is not a search parameter of " + type;
      }
      if (param.type() != ParamType.TOKEN || param.expression() == null) {
        return "granular scopes support token parameters only ('" + name + "' is a "
            + param.type().name().toLowerCase() + " parameter)";
      }
      for (String v : Escapes.split(p.getValue(), ',')) {
        int bar = Escapes.indexOf(v, '|');
        if (v.isEmpty() || bar == 0 && v.length() == 1) {
          return "'" + name + "=" + p.getValue() + "' has an empty value";
        }
      }
    }
    return null;
  }

  /** Whether {@code resource} matches every parameter of the query (checked by {@link #unsupported}). */
  public static boolean matches(Resource resource, List<Map.Entry<String, String>> query) {
    String type = resource.fhirType();
    for (Map.Entry<String, String> p : query) {
      SearchParam param = SearchParams.find(type, p.getKey());
      if (param == null || !matchesAny(resource, param, Escapes.split(p.getValue(), ','))) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesAny(Resource resource, SearchParam param, List<String> alternatives) {
    List<ObjectNode> shapes = new ArrayList<>();
    for (ExpressionNode path : PATHS.computeIfAbsent(param.resourceType() + "." + param.name(), k -> paths(param))) {
      for (Base v : FhirPaths.get().evaluate(resource, resource, path)) {
        shapes.addAll(Values.shapes(ParamType.TOKEN, v));
      }
    }
    for (String raw : alternatives) {
      String field;
      String value;
      int bar = Escapes.indexOf(raw, '|');
      if (bar < 0) {
        field = "code";
        value = Escapes.unescape(raw);
      } else {
        String system = Escapes.unescape(raw.substring(0, bar));
        String code = Escapes.unescape(raw.substring(bar + 1));
        field = code.isEmpty() ? "sys" : "sc";
        value = code.isEmpty() ? system : system + "|" + code;
      }
      for (ObjectNode shape : shapes) {
        if (value.equals(shape.path(field).asText(null))) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<ExpressionNode> paths(SearchParam param) {
    List<ExpressionNode> out = new ArrayList<>();
    for (String branch : SearchParams.split(param.expression())) {
      out.add(FhirPaths.get().parse(branch));
    }
    return List.copyOf(out);
  }
}
