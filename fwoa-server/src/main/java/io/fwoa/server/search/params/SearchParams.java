package io.fwoa.server.search.params;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import io.fwoa.server.fhir.Fhir;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search parameters of every R4 resource type, from HAPI FHIR's definitions (the R4
 * specification's SearchParameter resources, with their FHIRPath expressions). Nothing here is
 * per-resource hand-written: what is indexed and how it is matched follows from each definition's
 * type, expression, targets and components. fwoa adds {@code _text} and {@code _content}
 * (full-text), which the specification defines for all resources without an expression.
 */
public final class SearchParams {

  private static final Logger LOG = LoggerFactory.getLogger(SearchParams.class);
  private static final String SP_URL = "http://hl7.org/fhir/SearchParameter/";
  private static final Map<String, Map<String, SearchParam>> BY_TYPE = new ConcurrentHashMap<>();

  private SearchParams() {}

  /** Every indexed parameter of the type, by name (empty for an unknown type). */
  public static Map<String, SearchParam> of(String resourceType) {
    return BY_TYPE.computeIfAbsent(resourceType, SearchParams::build);
  }

  public static SearchParam find(String resourceType, String name) {
    return of(resourceType).get(name);
  }

  private static Map<String, SearchParam> build(String type) {
    RuntimeResourceDefinition def;
    try {
      def = Fhir.context().getResourceDefinition(type);
    } catch (RuntimeException e) {
      return Map.of();
    }
    Map<String, RuntimeSearchParam> raw = new LinkedHashMap<>();
    for (RuntimeSearchParam p : def.getSearchParams()) {
      raw.put(p.getName(), p);
    }
    Map<String, SearchParam> out = new LinkedHashMap<>();
    // Non-composites first: composites refer to them.
    for (RuntimeSearchParam p : raw.values()) {
      ParamType t = type(p);
      if (t == null || t == ParamType.COMPOSITE || t == ParamType.SPECIAL) {
        continue;
      }
      String expression = p.getName().equals("_id") ? null : expressionFor(p, type);
      if (p.getName().equals("_id") || expression != null) {
        out.put(p.getName(), new SearchParam(type, p.getName(), t, expression, Set.copyOf(p.getTargets()), List.of(),
            p.getDescription(), p.getUri()));
      }
    }
    for (RuntimeSearchParam p : raw.values()) {
      if (type(p) != ParamType.COMPOSITE) {
        continue;
      }
      SearchParam composite = composite(type, p, out);
      if (composite != null) {
        out.put(composite.name(), composite);
      } else {
        LOG.debug("Composite search parameter {}:{} has components fwoa cannot place; not indexed", type, p.getName());
      }
    }
    out.put("_text", new SearchParam(type, "_text", ParamType.STRING, null, Set.of(), List.of(),
        "Full-text search on the narrative", "http://hl7.org/fhir/SearchParameter/DomainResource-text"));
    out.put("_content", new SearchParam(type, "_content", ParamType.STRING, null, Set.of(), List.of(),
        "Full-text search on the whole resource", "http://hl7.org/fhir/SearchParameter/Resource-content"));
    return Collections.unmodifiableMap(out);
  }

  private static ParamType type(RuntimeSearchParam p) {
    if (p.getParamType() == null) {
      return null;
    }
    try {
      return ParamType.valueOf(p.getParamType().name().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The expression's branches that apply to this type, joined again. */
  private static String expressionFor(RuntimeSearchParam p, String type) {
    List<String> branches = new ArrayList<>();
    for (String branch : split(p.getPath())) {
      String head = head(branch);
      if (head.equals(type)) {
        branches.add(branch);
      } else if (head.equals("Resource") || head.equals("DomainResource")) {
        // The engine knows types by name only: "Resource.meta.tag" is "Patient.meta.tag" here.
        int at = branch.indexOf(head);
        branches.add(branch.substring(0, at) + type + branch.substring(at + head.length()));
      }
    }
    return branches.isEmpty() ? null : ofType(String.join(" | ", branches));
  }

  private static final java.util.regex.Pattern AS = java.util.regex.Pattern.compile(
      "\\(([^()]+?) as ([A-Za-z]+)\\)");

  /**
   * "(Observation.component.value as Quantity)" → "Observation.component.value.ofType(Quantity)":
   * the specification's expressions use 'as' on collections, which the engine rejects for more
   * than one item; ofType is what they mean.
   */
  static String ofType(String expression) {
    String e = AS.matcher(expression).replaceAll("$1.ofType($2)");
    return e.replaceAll("\\.as\\(([A-Za-z]+)\\)", ".ofType($1)");
  }

  /** Top-level '|' branches of an expression (parentheses and quotes respected). */
  public static List<String> split(String expression) {
    List<String> out = new ArrayList<>();
    if (expression == null || expression.isBlank()) {
      return out;
    }
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == '|') {
        out.add(expression.substring(start, i).trim());
        start = i + 1;
      }
    }
    out.add(expression.substring(start).trim());
    out.removeIf(String::isEmpty);
    return out;
  }

  /** The first name of a branch: "Observation" for "(Observation.value as Quantity)". */
  static String head(String branch) {
    String b = branch.trim();
    while (b.startsWith("(")) {
      b = b.substring(1).trim();
    }
    int end = 0;
    while (end < b.length() && Character.isLetterOrDigit(b.charAt(end))) {
      end++;
    }
    return b.substring(0, end);
  }

  /**
   * A composite's components, each with its expression made relative to the composite's own
   * expression: every component branch is placed under the longest composite branch it extends
   * ("Observation.component.code" under "Observation.component", not "Observation").
   */
  private static SearchParam composite(String type, RuntimeSearchParam p, Map<String, SearchParam> params) {
    List<String> bases = new ArrayList<>();
    for (String b : split(p.getPath())) {
      if (head(b).equals(type)) {
        bases.add(b.trim());
      }
    }
    if (bases.isEmpty() || p.getComponents().size() < 2) {
      return null;
    }
    List<SearchParam.Component> components = new ArrayList<>();
    for (RuntimeSearchParam.Component c : p.getComponents()) {
      String ref = c.getReference();
      if (ref == null || !ref.startsWith(SP_URL)) {
        return null;
      }
      String id = ref.substring(SP_URL.length());
      String name = id.startsWith(type + "-") ? id.substring(type.length() + 1) : null;
      SearchParam target = name == null ? null : params.get(name);
      if (target == null || target.expression() == null) {
        return null;
      }
      // relative branches keyed by base, joined per base
      Map<String, String> relative = new LinkedHashMap<>();
      for (String branch : split(target.expression())) {
        String base = longestBase(branch, bases);
        if (base == null) {
          return null;
        }
        relative.merge(base, ofType(relativize(branch, base)), (a, b) -> a + " | " + b);
      }
      components.add(new SearchParam.Component(target, Map.copyOf(relative)));
    }
    return new SearchParam(type, p.getName(), ParamType.COMPOSITE, String.join(" | ", bases), Set.of(),
        List.copyOf(components), p.getDescription(), p.getUri());
  }

  private static String longestBase(String branch, List<String> bases) {
    String stripped = stripParens(branch);
    String best = null;
    for (String base : bases) {
      if ((stripped.equals(base) || stripped.startsWith(base + ".") || stripped.startsWith(base + " "))
          && (best == null || base.length() > best.length())) {
        best = base;
      }
    }
    return best;
  }

  private static String stripParens(String branch) {
    String b = branch.trim();
    while (b.startsWith("(")) {
      b = b.substring(1).trim();
    }
    return b;
  }

  /** "(Observation.component.value as Quantity)" relative to "Observation.component": "(value as Quantity)". */
  private static String relativize(String branch, String base) {
    String b = branch.trim();
    int open = 0;
    while (b.startsWith("(")) {
      b = b.substring(1).trim();
      open++;
    }
    String rest = b.equals(base) ? "$this" : b.substring(base.length()).replaceFirst("^\\.", "");
    if (rest.startsWith(" ")) {
      rest = "$this" + rest;
    }
    return "(".repeat(open) + rest;
  }
}
