package io.fwoa.server.search.query;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.References;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import io.fwoa.server.search.query.ParsedSearch.Include;
import io.fwoa.server.search.query.ParsedSearch.SortKey;
import io.fwoa.server.search.query.ParsedSearch.Summary;
import io.fwoa.server.search.query.ParsedSearch.Total;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the parameters of a search into a {@link ParsedSearch}. Parameters the server does not
 * know (or modifiers it does not support) are ignored with a warning under lenient handling and
 * rejected (400) under {@code Prefer: handling=strict}; values that are malformed are always
 * rejected, as FHIR requires.
 */
public final class SearchParser {

  public static final int DEFAULT_COUNT = 20;
  public static final int MAX_COUNT = 1000;
  /**
   * Values in one search: parameters and their comma-separated alternatives together (each is a
   * clause; OpenSearch refuses queries of more than 1,024).
   */
  public static final int MAX_VALUES = 1000;
  /** Characters in one value (one alternative). */
  public static final int MAX_VALUE_LENGTH = 4096;
  /** _include and _revinclude parameters together (each runs queries, up to 5 times with :iterate). */
  public static final int MAX_INCLUDES = 20;
  public static final int MAX_SORT_KEYS = 10;

  /** Parameters that steer the response and are not criteria. */
  private static final Set<String> IGNORED = Set.of("_format", "_pretty");
  private static final Set<String> UNSUPPORTED = Set.of("_contained", "_containedType", "_list", "_query",
      "_filter", "_score");

  private final boolean strict;
  private final List<String> warnings = new ArrayList<>();
  private int values;

  private SearchParser(boolean strict) {
    this.strict = strict;
  }

  /**
   * @param types the searched types (one for a type search; for a system search, the _type list
   *     or every type)
   * @param parameters name/value pairs in request order, URL-decoded
   * @param strict reject unknown parameters instead of ignoring them
   */
  public static ParsedSearch parse(List<String> types, List<Map.Entry<String, String>> parameters, boolean strict) {
    return new SearchParser(strict).run(types, parameters);
  }

  private ParsedSearch run(List<String> types, List<Map.Entry<String, String>> parameters) {
    List<Criterion> criteria = new ArrayList<>();
    List<SortKey> sort = new ArrayList<>();
    int count = DEFAULT_COUNT;
    Total total = Total.ACCURATE;
    Summary summary = null;
    Set<String> elements = null;
    List<Include> includes = new ArrayList<>();
    List<Include> revIncludes = new ArrayList<>();
    String page = null;
    List<Map.Entry<String, String>> query = new ArrayList<>();
    if (parameters.size() > MAX_VALUES) {
      throw FhirException.badRequest("A search may have at most " + MAX_VALUES + " parameters; this one has "
          + parameters.size());
    }
    for (Map.Entry<String, String> p : parameters) {
      String name = p.getKey();
      String value = p.getValue() == null ? "" : p.getValue();
      if (!name.equals("_page")) {
        query.add(p);
      }
      if (IGNORED.contains(name) || name.equals("_type")) {
        continue;
      }
      switch (name) {
        case "_count" -> count = count(value);
        case "_sort" -> sort.addAll(sort(types, value));
        case "_total" -> total = total(value);
        case "_summary" -> summary = summary(value);
        case "_elements" -> elements = elements(value);
        case "_page" -> page = value;
        default -> {
          if (name.startsWith("_include") || name.startsWith("_revinclude")) {
            include(types, name, value, name.startsWith("_include") ? includes : revIncludes);
          } else if (UNSUPPORTED.contains(name.split(":")[0])) {
            unknown(name, "is not supported by this server");
          } else {
            Criterion c = criterion(types, name, value, 0);
            if (c != null) {
              criteria.add(c);
            }
          }
        }
      }
    }
    if (includes.size() + revIncludes.size() > MAX_INCLUDES) {
      throw FhirException.badRequest("A search may have at most " + MAX_INCLUDES + " _include and _revinclude "
          + "parameters together; this one has " + (includes.size() + revIncludes.size()));
    }
    if (sort.size() > MAX_SORT_KEYS) {
      throw FhirException.badRequest("_sort: at most " + MAX_SORT_KEYS + " keys, got " + sort.size());
    }
    return new ParsedSearch(List.copyOf(types), criteria, sort, count, total, summary, elements, includes,
        revIncludes, page, List.copyOf(warnings), query);
  }

  // ------------------------------------------------------------------ criteria

  /**
   * A criterion on the given types (a parameter must exist on every one of them), or null when
   * it is ignored.
   */
  private Criterion criterion(List<String> types, String name, String value, int depth) {
    if (depth > 4) {
      throw FhirException.badRequest("Search parameter '" + name + "' chains too deep (at most 4 levels)");
    }
    if (name.startsWith("_has:")) {
      return has(types, name, value, depth);
    }
    String head = name;
    String chain = null;
    int dot = name.indexOf('.');
    if (dot > 0) {
      head = name.substring(0, dot);
      chain = name.substring(dot + 1);
    }
    String paramName = head;
    String modifier = null;
    int colon = head.indexOf(':');
    if (colon > 0) {
      paramName = head.substring(0, colon);
      modifier = head.substring(colon + 1);
    }
    SearchParam param = common(types, paramName);
    if (param == null) {
      return unknown(name, "is not a search parameter of " + String.join(", ", types));
    }
    if (chain != null) {
      if (param.type() != ParamType.REFERENCE) {
        return unknown(name, "chains through '" + paramName + "', which is not a reference parameter");
      }
      List<String> targets = targetTypes(param, modifier);
      if (targets.isEmpty()) {
        return unknown(name, "names no resource type that '" + paramName + "' can refer to");
      }
      List<String> withParam = new ArrayList<>();
      String chainedName = chain.split("[:.]")[0];
      for (String t : targets) {
        if (SearchParams.find(t, chainedName) != null || chain.startsWith("_has:")) {
          withParam.add(t);
        }
      }
      if (withParam.isEmpty()) {
        return unknown(name, "chains to '" + chainedName + "', which none of " + targets + " has");
      }
      Criterion inner = criterion(withParam, chain, value, depth + 1);
      if (inner == null) {
        return null;
      }
      return new Criterion(name, param, modifier, List.of(value), inner, withParam, null);
    }
    if (modifier != null && !modifierAllowed(param, modifier)) {
      return unknown(name, "uses the modifier ':" + modifier + "', which this server does not support on "
          + param.type().code() + " parameters");
    }
    if ("missing".equals(modifier) && !value.equals("true") && !value.equals("false")) {
      throw FhirException.badRequest("Search parameter '" + name + "' takes true or false, not '" + value + "'");
    }
    if (value.isEmpty()) {
      throw FhirException.badRequest("Search parameter '" + name + "' has no value");
    }
    return new Criterion(name, param, modifier, alternatives(name, value), null, List.of(), null);
  }

  /** The comma-separated alternatives of a value, counted against the search's bounds. */
  private List<String> alternatives(String name, String value) {
    List<String> alternatives = Escapes.split(value, ',');
    values += alternatives.size();
    if (values > MAX_VALUES) {
      throw FhirException.badRequest("A search may have at most " + MAX_VALUES + " values (parameters and their "
          + "comma-separated alternatives together); '" + name + "' brings this one to " + values);
    }
    for (String a : alternatives) {
      if (a.length() > MAX_VALUE_LENGTH) {
        throw FhirException.badRequest("Search parameter '" + name + "': a value may have at most "
            + MAX_VALUE_LENGTH + " characters (got " + a.length() + ")");
      }
    }
    return alternatives;
  }

  /** _has:Type:refParam:param=value (param may be another _has: or a chain). */
  private Criterion has(List<String> types, String name, String value, int depth) {
    String[] parts = name.split(":", 4);
    if (parts.length < 4) {
      throw FhirException.badRequest("'" + name + "' is not a valid _has parameter: use _has:Type:reference:parameter");
    }
    String type = parts[1];
    if (!References.isResourceType(type)) {
      return unknown(name, "names the unknown resource type '" + type + "'");
    }
    SearchParam ref = SearchParams.find(type, parts[2]);
    if (ref == null || ref.type() != ParamType.REFERENCE) {
      return unknown(name, "names '" + parts[2] + "', which is not a reference parameter of " + type);
    }
    if (!ref.targets().isEmpty() && types.stream().noneMatch(ref.targets()::contains)) {
      return unknown(name, "uses " + type + "." + parts[2] + ", which cannot refer to " + String.join(", ", types));
    }
    Criterion inner = criterion(List.of(type), parts[3], value, depth + 1);
    if (inner == null) {
      return null;
    }
    return new Criterion(name, null, null, List.of(value), null, List.of(), new Criterion.Has(type, ref, inner));
  }

  /** The parameter of that name, if every searched type has it with the same type. */
  private static SearchParam common(List<String> types, String name) {
    SearchParam first = null;
    for (String t : types) {
      SearchParam p = SearchParams.find(t, name);
      if (p == null || (first != null && p.type() != first.type())) {
        return null;
      }
      if (first == null) {
        first = p;
      }
    }
    return first;
  }

  static List<String> targetTypes(SearchParam param, String modifier) {
    if (modifier != null) {
      if (!References.isResourceType(modifier)) {
        return List.of();
      }
      return param.targets().isEmpty() || param.targets().contains(modifier) ? List.of(modifier) : List.of();
    }
    return param.targets().stream().sorted().toList();
  }

  private static boolean modifierAllowed(SearchParam p, String modifier) {
    if (modifier.equals("missing")) {
      return true;
    }
    if (p.name().equals("_text") || p.name().equals("_content")) {
      return false;
    }
    return switch (p.type()) {
      case STRING -> modifier.equals("exact") || modifier.equals("contains");
      case TOKEN -> modifier.equals("text") || modifier.equals("not") || modifier.equals("of-type");
      case REFERENCE -> modifier.equals("identifier") || (References.isResourceType(modifier)
          && (p.targets().isEmpty() || p.targets().contains(modifier)));
      case URI -> modifier.equals("above") || modifier.equals("below");
      default -> false;
    };
  }

  private Criterion unknown(String name, String why) {
    String message = "Search parameter '" + name + "' " + why;
    if (strict) {
      throw FhirException.badRequest(message + " (Prefer: handling=strict)");
    }
    warnings.add(message + "; it was ignored");
    return null;
  }

  // ------------------------------------------------------------------ result parameters

  private static int count(String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.min(n, MAX_COUNT);
    } catch (NumberFormatException e) {
      throw FhirException.badRequest("_count must be a non-negative integer, got '" + value + "'");
    }
  }

  private static Total total(String value) {
    try {
      return Total.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest("_total must be none, estimate or accurate, got '" + value + "'");
    }
  }

  private static Summary summary(String value) {
    try {
      return Summary.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest("_summary must be true, text, data, count or false, got '" + value + "'");
    }
  }

  private static Set<String> elements(String value) {
    Set<String> out = new LinkedHashSet<>();
    for (String e : value.split(",")) {
      String t = e.trim();
      if (!t.isEmpty()) {
        if (!t.matches("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*")) {
          throw FhirException.badRequest("_elements: '" + t + "' is not an element name");
        }
        out.add(t);
      }
    }
    return out;
  }

  private List<SortKey> sort(List<String> types, String value) {
    List<SortKey> keys = new ArrayList<>();
    for (String raw : value.split(",")) {
      String k = raw.trim();
      if (k.isEmpty()) {
        continue;
      }
      boolean desc = k.startsWith("-");
      String name = desc ? k.substring(1) : k;
      SearchParam p = common(types, name);
      if (p == null || p.isComposite() || p.name().equals("_text") || p.name().equals("_content")) {
        if (strict || p != null) {
          throw FhirException.badRequest("_sort: '" + name + "' is not a sortable search parameter of "
              + String.join(", ", types));
        }
        warnings.add("_sort: '" + name + "' is not a search parameter of " + String.join(", ", types)
            + "; it was ignored");
        continue;
      }
      keys.add(new SortKey(p, desc));
    }
    return keys;
  }

  private void include(List<String> types, String name, String value, List<Include> out) {
    String[] nameParts = name.split(":");
    boolean iterate = nameParts.length > 1 && (nameParts[1].equals("iterate") || nameParts[1].equals("recurse"));
    if (nameParts.length > 2 || (nameParts.length == 2 && !iterate)) {
      unknown(name, "has an unknown modifier (use :iterate)");
      return;
    }
    if (value.equals("*")) {
      for (String t : types) {
        out.add(new Include(t, null, null, iterate));
      }
      return;
    }
    String[] parts = value.split(":");
    if (parts.length < 2 || parts.length > 3) {
      throw FhirException.badRequest(name + "=" + value + " must be Type:parameter or Type:parameter:TargetType");
    }
    if (!References.isResourceType(parts[0])) {
      unknown(name + "=" + value, "names the unknown resource type '" + parts[0] + "'");
      return;
    }
    String target = parts.length == 3 ? parts[2] : null;
    if (target != null && !References.isResourceType(target)) {
      unknown(name + "=" + value, "names the unknown target type '" + target + "'");
      return;
    }
    if (parts[1].equals("*")) {
      out.add(new Include(parts[0], null, target, iterate));
      return;
    }
    SearchParam p = SearchParams.find(parts[0], parts[1]);
    if (p == null || p.type() != ParamType.REFERENCE) {
      unknown(name + "=" + value, "names '" + parts[1] + "', which is not a reference parameter of " + parts[0]);
      return;
    }
    out.add(new Include(parts[0], p, target, iterate));
  }
}
