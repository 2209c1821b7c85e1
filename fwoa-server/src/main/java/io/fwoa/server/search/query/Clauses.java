package io.fwoa.server.search.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.fhir.Decimals;
import io.fwoa.server.search.index.DateRanges;
import io.fwoa.server.search.index.Strings;
import io.fwoa.server.search.index.Units;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.References;
import io.fwoa.server.search.params.SearchParam;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Turns criteria into OpenSearch queries over the fields {@code index.Values} writes. Each value
 * type's matching rules (FHIR R4 search) live here: string prefix/exact/contains, token
 * system|code, reference forms, date ranges with prefixes, numbers and quantities with implicit
 * precision, URI above/below, composites as nested queries.
 */
final class Clauses {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Runs the searches that chains and reverse chains need. */
  interface SubSearch {
    /** "Type/id" of the resources of the types that match the criterion. */
    Collection<String> references(List<String> types, Criterion criterion);

    /** Ids of resources of {@code baseTypes} referenced through {@code has} by resources matching it. */
    Collection<String> referencedBy(Criterion.Has has, List<String> baseTypes);
  }

  private final SubSearch sub;
  private final String baseUrl;
  private final long now;

  /**
   * @param baseUrl the server's base URL as the client sees it (absolute references to it are
   *     local), or null
   */
  Clauses(SubSearch sub, String baseUrl, long nowMillis) {
    this.sub = sub;
    this.baseUrl = baseUrl;
    this.now = nowMillis;
  }

  ObjectNode criterion(Criterion c, List<String> types) {
    if (c.has() != null) {
      return terms("id", sub.referencedBy(c.has(), types));
    }
    SearchParam p = c.param();
    if (c.chain() != null) {
      return terms(p.field() + ".ref", sub.references(c.chainTypes(), c.chain()));
    }
    if ("missing".equals(c.modifier())) {
      ObjectNode present = term("present", p.name());
      return c.values().get(0).equals("true") ? not(present) : present;
    }
    List<ObjectNode> alternatives = new ArrayList<>();
    for (String v : c.values()) {
      alternatives.add(value(p, c.modifier(), v, p.field(), true));
    }
    ObjectNode any = any(alternatives);
    if ("not".equals(c.modifier())) {
      return not(any);
    }
    return any;
  }

  /**
   * One value of a parameter.
   *
   * @param field where the parameter's values are ("p.name", or "p.comp.c0" inside a composite)
   * @param nestedQuantity quantities are nested documents (not inside composites)
   */
  private ObjectNode value(SearchParam p, String modifier, String raw, String field, boolean nestedQuantity) {
    if (p.name().equals("_text") || p.name().equals("_content")) {
      return match(p.name().equals("_text") ? "ft.text" : "ft.content", Escapes.unescape(raw));
    }
    return switch (p.type()) {
      case STRING -> string(modifier, Escapes.unescape(raw), field);
      case TOKEN -> token(modifier, raw, field);
      case REFERENCE -> reference(p, modifier, raw, field);
      case DATE -> date(p, raw, field);
      case NUMBER -> number(p, raw, field);
      case QUANTITY -> quantity(p, raw, field, nestedQuantity);
      case URI -> uri(modifier, Escapes.unescape(raw), field);
      case COMPOSITE -> composite(p, raw, field);
      default -> throw FhirException.notSupported("Search parameter '" + p.name() + "' cannot be searched");
    };
  }

  // ------------------------------------------------------------------ string, token, uri

  private static ObjectNode string(String modifier, String v, String field) {
    if ("exact".equals(modifier)) {
      return term(field + ".e", Strings.truncate(v));
    }
    String n = Strings.normalize(v);
    if ("contains".equals(modifier)) {
      if (n.length() >= 3) {
        ObjectNode q = F.objectNode();
        q.putObject("match_phrase").put(field + ".n.c", n);
        return q;
      }
      ObjectNode q = F.objectNode();
      q.putObject("wildcard").putObject(field + ".n").put("value", "*" + wildcardEscape(n) + "*");
      return q;
    }
    ObjectNode q = F.objectNode();
    q.putObject("prefix").put(field + ".n", n);
    return q;
  }

  private static ObjectNode token(String modifier, String raw, String field) {
    if ("text".equals(modifier)) {
      return match(field + ".text", Escapes.unescape(raw));
    }
    if ("of-type".equals(modifier)) {
      List<String> parts = Escapes.split(raw, '|');
      if (parts.size() != 3 || parts.get(1).isEmpty() || parts.get(2).isEmpty()) {
        throw FhirException.badRequest("':of-type' takes system|code|value, got '" + raw + "'");
      }
      return term(field + ".ot", Escapes.unescape(parts.get(0)) + "|" + Escapes.unescape(parts.get(1)) + "|"
          + Escapes.unescape(parts.get(2)));
    }
    int bar = Escapes.indexOf(raw, '|');
    if (bar < 0) {
      return term(field + ".code", Escapes.unescape(raw));
    }
    String system = Escapes.unescape(raw.substring(0, bar));
    String code = Escapes.unescape(raw.substring(bar + 1));
    if (code.isEmpty()) {
      if (system.isEmpty()) {
        throw FhirException.badRequest("A token search value needs a system or a code, got '" + raw + "'");
      }
      return term(field + ".sys", system);
    }
    return term(field + ".sc", system + "|" + code);
  }

  private static ObjectNode uri(String modifier, String v, String field) {
    if ("below".equals(modifier)) {
      ObjectNode q = F.objectNode();
      q.putObject("prefix").put(field + ".u", v);
      return q;
    }
    if ("above".equals(modifier)) {
      List<String> prefixes = new ArrayList<>();
      String s = v;
      while (true) {
        prefixes.add(s);
        int slash = s.lastIndexOf('/');
        if (slash <= 0 || s.substring(0, slash).endsWith("/")) {
          break;
        }
        s = s.substring(0, slash);
      }
      return terms(field + ".u", prefixes);
    }
    return term(field + ".u", v);
  }

  // ------------------------------------------------------------------ reference

  private ObjectNode reference(SearchParam p, String modifier, String raw, String field) {
    if ("identifier".equals(modifier)) {
      return token(null, raw, field + ".ident");
    }
    String v = Escapes.unescape(raw);
    if (baseUrl != null && v.startsWith(baseUrl + "/")) {
      v = v.substring(baseUrl.length() + 1);
    }
    References.Parsed parsed = References.parse(v);
    if (parsed != null && parsed.base() == null) {
      if (modifier != null && !modifier.equals(parsed.type())) {
        throw FhirException.badRequest("'" + p.name() + ":" + modifier + "=" + v + "' names a different type");
      }
      return term(field + ".ref", parsed.relative());
    }
    if (parsed != null) {
      return term(field + ".ref", parsed.base() + "/" + parsed.relative());
    }
    if (v.contains(":") || v.contains("/")) {
      return term(field + ".ref", v); // a canonical or other URL
    }
    if (modifier != null) {
      return term(field + ".ref", modifier + "/" + v);
    }
    if (p.targets().size() == 1) {
      return term(field + ".ref", p.targets().iterator().next() + "/" + v);
    }
    return term(field + ".id", v);
  }

  // ------------------------------------------------------------------ date

  private ObjectNode date(SearchParam p, String raw, String field) {
    Prefix.Split s = Prefix.split(raw);
    DateRanges.Range r;
    try {
      r = DateRanges.parse(s.value());
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest("Search parameter '" + p.name() + "': " + e.getMessage());
    }
    long lo = r.lo();
    long hi = r.hi();
    String f = field + ".r";
    return switch (s.prefix()) {
      case EQ -> within(f, lo, hi);
      case NE -> all(List.of(present(p, field), not(within(f, lo, hi))));
      case GT -> range(f, "gt", hi, null, null, "intersects");
      case LT -> range(f, "lt", lo, null, null, "intersects");
      case GE -> any(List.of(range(f, "gt", hi, null, null, "intersects"), within(f, lo, hi)));
      case LE -> any(List.of(range(f, "lt", lo, null, null, "intersects"), within(f, lo, hi)));
      case SA -> range(f, "gt", hi, null, null, "within");
      case EB -> range(f, "lt", lo, null, null, "within");
      case AP -> {
        long gap = Math.max(Math.abs(now - lo) / 10, 24L * 3600 * 1000);
        yield range(f, "gte", lo - gap, "lte", hi + gap, "intersects");
      }
    };
  }

  /**
   * Values whose whole range lies in [lo, hi]. OpenSearch's "within" leaves out a range equal to
   * the query's, so the bounds are widened by a millisecond (value ranges are whole precision units:
   * only an instant exactly one millisecond outside could slip in).
   */
  private static ObjectNode within(String field, long lo, long hi) {
    return range(field, "gte", lo - 1, "lte", hi + 1, "within");
  }

  /** Has a value at all (for ne: a resource without the element does not match). */
  private static ObjectNode present(SearchParam p, String field) {
    if (field.equals(p.field())) {
      return term("present", p.name());
    }
    ObjectNode all = F.objectNode();
    all.putObject("match_all");
    return all;
  }

  // ------------------------------------------------------------------ number, quantity

  /** A number value, within the bounds resources have (so 10^n is never built for a huge n). */
  private static BigDecimal decimal(SearchParam p, String v) {
    String problem = Decimals.problem(v);
    if (problem != null) {
      throw FhirException.badRequest("Search parameter '" + p.name() + "' needs a number within bounds: " + problem);
    }
    try {
      return new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw FhirException.badRequest("Search parameter '" + p.name() + "' needs a number, got '" + v + "'");
    }
  }

  /** A numeric comparison with FHIR's implicit precision for eq/ne ("100" means [99.5, 100.5)). */
  private static ObjectNode numeric(Prefix prefix, BigDecimal value, String field, double factor) {
    BigDecimal half = BigDecimal.ONE.movePointLeft(Math.max(value.scale(), 0) + 1).multiply(BigDecimal.valueOf(5));
    if (value.scale() < 0) {
      half = BigDecimal.valueOf(5).movePointRight(-value.scale() - 1);
    }
    double v = value.doubleValue() * factor;
    double lo = value.subtract(half).doubleValue() * factor;
    double hi = value.add(half).doubleValue() * factor;
    return switch (prefix) {
      case EQ -> range(field, "gte", lo, "lt", hi, null);
      case NE -> not(range(field, "gte", lo, "lt", hi, null));
      case GT, SA -> range(field, "gt", v, null, null, null);
      case LT, EB -> range(field, "lt", v, null, null, null);
      case GE -> range(field, "gte", v, null, null, null);
      case LE -> range(field, "lte", v, null, null, null);
      case AP -> {
        double gap = Math.abs(v) * 0.1;
        yield range(field, "gte", v - gap, "lte", v + gap, null);
      }
    };
  }

  private static ObjectNode number(SearchParam p, String raw, String field) {
    Prefix.Split s = Prefix.split(raw);
    ObjectNode q = numeric(s.prefix(), decimal(p, s.value()), field + ".v", 1);
    return s.prefix() == Prefix.NE ? all(List.of(present(p, field), q)) : q;
  }

  private static ObjectNode quantity(SearchParam p, String raw, String field, boolean nested) {
    List<String> parts = Escapes.split(raw, '|');
    if (parts.size() != 1 && parts.size() != 3) {
      throw FhirException.badRequest("Search parameter '" + p.name() + "' takes [prefix]number[|system|code], got '"
          + raw + "'");
    }
    Prefix.Split s = Prefix.split(parts.get(0));
    BigDecimal value = decimal(p, s.value());
    String system = parts.size() == 3 ? Escapes.unescape(parts.get(1)) : "";
    String code = parts.size() == 3 ? Escapes.unescape(parts.get(2)) : "";
    List<ObjectNode> must = new ArrayList<>();
    Units.Canonical canonical = Units.UCUM.equals(system) ? Units.canonical(value, code) : null;
    if (canonical != null) {
      // Compare in canonical units: the factor carries the search value's precision across.
      double factor = value.signum() == 0 ? 1 : canonical.value() / value.doubleValue();
      ObjectNode inCanonical = all(List.of(numeric(s.prefix(), value, field + ".cv", factor),
          term(field + ".cu", canonical.unit())));
      ObjectNode asStored = all(List.of(numeric(s.prefix(), value, field + ".v", 1), term(field + ".sys", system),
          term(field + ".code", code)));
      must.add(any(List.of(inCanonical, asStored)));
    } else {
      must.add(numeric(s.prefix(), value, field + ".v", 1));
      if (!system.isEmpty()) {
        must.add(term(field + ".sys", system));
      }
      if (!code.isEmpty()) {
        must.add(system.isEmpty() ? any(List.of(term(field + ".code", code), term(field + ".unit", code)))
            : term(field + ".code", code));
      }
    }
    ObjectNode q = all(must);
    return nested ? nested(field, q) : q;
  }

  // ------------------------------------------------------------------ composite

  private ObjectNode composite(SearchParam p, String raw, String field) {
    List<String> parts = Escapes.split(raw, '$');
    if (parts.size() != p.components().size()) {
      throw FhirException.badRequest("Search parameter '" + p.name() + "' takes " + p.components().size()
          + " values separated by '$', got '" + raw + "'");
    }
    List<ObjectNode> must = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      SearchParam component = p.components().get(i).param();
      try {
        must.add(value(component, null, parts.get(i), field + ".c" + i, false));
      } catch (FhirException e) {
        throw FhirException.badRequest("Search parameter '" + p.name() + "', part " + (i + 1) + ": " + e.getMessage());
      }
    }
    return nested(field, all(must));
  }

  // ------------------------------------------------------------------ query DSL

  static ObjectNode term(String field, String value) {
    ObjectNode q = F.objectNode();
    q.putObject("term").put(field, value);
    return q;
  }

  static ObjectNode terms(String field, Collection<String> values) {
    ObjectNode q = F.objectNode();
    ArrayNode a = q.putObject("terms").putArray(field);
    values.forEach(a::add);
    return q;
  }

  private static ObjectNode match(String field, String text) {
    ObjectNode q = F.objectNode();
    q.putObject("match").putObject(field).put("query", text).put("operator", "and");
    return q;
  }

  private static ObjectNode range(String field, String op1, Number v1, String op2, Number v2, String relation) {
    ObjectNode q = F.objectNode();
    ObjectNode r = q.putObject("range").putObject(field);
    r.put(op1, v1.toString());
    if (op2 != null) {
      r.put(op2, v2.toString());
    }
    if (relation != null) {
      r.put("relation", relation);
    }
    return q;
  }

  private static ObjectNode nested(String path, ObjectNode query) {
    ObjectNode q = F.objectNode();
    ObjectNode n = q.putObject("nested");
    n.put("path", path);
    n.set("query", query);
    return q;
  }

  static ObjectNode any(List<ObjectNode> alternatives) {
    if (alternatives.size() == 1) {
      return alternatives.get(0);
    }
    ObjectNode q = F.objectNode();
    ObjectNode b = q.putObject("bool");
    ArrayNode should = b.putArray("should");
    alternatives.forEach(should::add);
    b.put("minimum_should_match", 1);
    return q;
  }

  static ObjectNode all(List<ObjectNode> required) {
    if (required.size() == 1) {
      return required.get(0);
    }
    ObjectNode q = F.objectNode();
    ArrayNode filter = q.putObject("bool").putArray("filter");
    required.forEach(filter::add);
    return q;
  }

  static ObjectNode not(ObjectNode query) {
    ObjectNode q = F.objectNode();
    q.putObject("bool").putArray("must_not").add(query);
    return q;
  }

  private static String wildcardEscape(String s) {
    return s.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
  }
}
