package io.fwoa.server.search.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.SearchRestriction;
import io.fwoa.server.auth.smart.PatientCompartment;
import io.fwoa.server.search.index.Mappings;
import io.fwoa.server.search.opensearch.SearchIndex;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.References;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import io.fwoa.server.search.query.ParsedSearch.Include;
import io.fwoa.server.search.query.ParsedSearch.SortKey;
import io.fwoa.server.search.query.ParsedSearch.Summary;
import io.fwoa.server.search.query.ParsedSearch.Total;
import io.fwoa.server.storage.InvalidPageTokenException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.aggregations.Aggregate;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * Runs a parsed search on the index: criteria (with chains and reverse chains resolved by
 * sub-searches), sorting with a unique tie-breaker, paging with search_after cursors (stable:
 * a page link always continues after the last resource shown, whatever was written meanwhile),
 * totals, and _include/_revinclude (with :iterate).
 */
public final class SearchEngine {

  /** Most ids a chain or _has may resolve to. */
  public static final int MAX_JOIN = 10_000;
  /** Most resources _include/_revinclude add to one page. */
  public static final int MAX_INCLUDED = 1_000;
  private static final int ITERATE_DEPTH = 5;
  /** Longer than any token this server hands out (a few sort values of bounded length). */
  private static final int MAX_PAGE_TOKEN = 8192;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final SearchIndex index;

  public SearchEngine(SearchIndex index) {
    this.index = index;
  }

  /** A resource found: its type, id and search document (which holds the resource). */
  public record Found(String type, String id, ObjectNode document) {
    public String reference() {
      return type + "/" + id;
    }

    public JsonNode resource() {
      return document.get("resource");
    }
  }

  /**
   * @param total the number of matches, or null when not asked for
   * @param totalIsEstimate true when the total is a lower bound
   * @param matches this page's matches in order
   * @param included resources added by _include/_revinclude
   * @param nextPage the token of the next page, or null on the last page
   * @param warnings what was ignored
   */
  public record Result(Long total, boolean totalIsEstimate, List<Found> matches, List<Found> included,
      String nextPage, List<String> warnings) {}

  /**
   * @param tenant the caller's tenant, or null
   * @param baseUrl the server base URL as the client sees it (absolute local references), or null
   * @param authorizeType called for every type the search reads besides the searched types
   *     (chains, _has, includes); throws to refuse
   */
  public Result search(ParsedSearch s, String tenant, String baseUrl, Consumer<String> authorizeType) {
    return search(s, tenant, baseUrl, authorizeType, null);
  }

  /**
   * @param restriction what the caller's access reaches per type (null: everything); applies to the
   *     matches and to everything the search reads on the way (chains, _has, includes), so nothing
   *     outside it decides a match or appears in the bundle
   */
  public Result search(ParsedSearch s, String tenant, String baseUrl, Consumer<String> authorizeType,
      Function<String, SearchRestriction> restriction) {
    List<String> warnings = new ArrayList<>(s.warnings());
    // Types the includes read are authorized before anything runs, whatever the results.
    for (Include inc : s.revIncludes()) {
      authorizeType.accept(inc.sourceType());
    }
    for (Include inc : s.includes()) {
      if (inc.targetType() != null) {
        authorizeType.accept(inc.targetType());
      } else if (inc.param() != null && inc.param().targets().size() == 1) {
        authorizeType.accept(inc.param().targets().iterator().next());
      }
    }
    Run run = new Run(tenant, baseUrl, authorizeType, restriction);
    ObjectNode query = run.query(s.types(), s.criteria());
    boolean countOnly = s.summary() == Summary.COUNT || s.count() == 0;
    ObjectNode body = F.objectNode();
    body.set("query", query);
    body.put("size", countOnly ? 0 : s.count() + 1);
    switch (countOnly && s.total() == Total.NONE ? Total.ACCURATE : s.total()) {
      case ACCURATE -> body.put("track_total_hits", true);
      case ESTIMATE -> body.put("track_total_hits", 1000);
      case NONE -> body.put("track_total_hits", false);
    }
    ArrayNode sort = sort(s.sort(), s.types().size() > 1);
    body.set("sort", sort);
    if (s.page() != null && !countOnly) {
      body.set("search_after", decodePage(s.page(), sort.size()));
    }
    SearchResponse<ObjectNode> response = index.search(aliases(s.types()), body);
    List<Found> matches = new ArrayList<>();
    String next = null;
    List<Hit<ObjectNode>> hits = response.hits().hits();
    for (int i = 0; i < hits.size() && i < s.count(); i++) {
      matches.add(found(hits.get(i).source()));
    }
    if (!countOnly && hits.size() > s.count() && s.count() > 0) {
      next = encodePage(hits.get(s.count() - 1).sort());
    }
    Long total = null;
    boolean estimate = false;
    if (response.hits().total() != null && (s.total() != Total.NONE || countOnly)) {
      total = response.hits().total().value();
      estimate = response.hits().total().relation() != org.opensearch.client.opensearch.core.search
          .TotalHitsRelation.Eq;
    }
    List<Found> included = countOnly ? List.of() : run.includes(s, matches, warnings);
    return new Result(total, estimate, matches, included, next, warnings);
  }

  /** Logical ids of current resources of the type matching the criteria (conditional operations). */
  public List<String> ids(String type, List<Criterion> criteria, String tenant, int max) {
    Run run = new Run(tenant, null, t -> { }, null);
    ObjectNode body = F.objectNode();
    body.set("query", run.query(List.of(type), criteria));
    body.put("size", max);
    body.putArray("_source").add("id");
    List<String> out = new ArrayList<>();
    for (Hit<ObjectNode> h : index.search(List.of(Mappings.alias(type)), body).hits().hits()) {
      out.add(h.source().get("id").asText());
    }
    return out;
  }

  private static List<String> aliases(List<String> types) {
    return types.stream().map(Mappings::alias).toList();
  }

  private static Found found(ObjectNode doc) {
    return new Found(doc.path("rt").asText(), doc.path("id").asText(), doc);
  }

  // ------------------------------------------------------------------ one search's state

  private final class Run implements Clauses.SubSearch {
    private final String tenant;
    private final Consumer<String> authorizeType;
    private final Clauses clauses;
    private final Function<String, SearchRestriction> restriction;

    Run(String tenant, String baseUrl, Consumer<String> authorizeType,
        Function<String, SearchRestriction> restriction) {
      this.tenant = tenant;
      this.authorizeType = authorizeType;
      this.restriction = restriction;
      this.clauses = new Clauses(this, baseUrl, System.currentTimeMillis());
    }

    ObjectNode query(List<String> types, List<Criterion> criteria) {
      List<ObjectNode> filters = new ArrayList<>(base());
      ObjectNode reach = reach(types);
      if (reach != null) {
        filters.add(reach);
      }
      for (Criterion c : criteria) {
        filters.add(clauses.criterion(c, types));
      }
      ObjectNode q = F.objectNode();
      ArrayNode filter = q.putObject("bool").putArray("filter");
      filters.forEach(filter::add);
      return q;
    }

    /** What the caller reaches of these types, or null when everything. */
    private ObjectNode reach(List<String> types) {
      if (restriction == null) {
        return null;
      }
      List<ObjectNode> perType = new ArrayList<>();
      boolean restricted = false;
      for (String type : types) {
        SearchRestriction r = restriction.apply(type);
        ObjectNode clause = r == null ? null : restricted(type, r);
        restricted |= clause != null;
        if (types.size() == 1) {
          return clause;
        }
        ObjectNode ofType = Clauses.term("rt", type);
        perType.add(clause == null ? ofType : Clauses.all(List.of(ofType, clause)));
      }
      return restricted ? Clauses.any(perType) : null;
    }

    /** Any of the alternatives: a patient's compartment and a granular scope's query. */
    private ObjectNode restricted(String type, SearchRestriction r) {
      List<ObjectNode> any = new ArrayList<>();
      for (SearchRestriction.Alternative a : r.anyOf()) {
        List<ObjectNode> all = new ArrayList<>();
        if (a.patient() != null) {
          all.add(compartment(type, a.patient()));
        }
        if (!a.query().isEmpty()) {
          for (Criterion c : SearchParser.parse(List.of(type), a.query(), true).criteria()) {
            all.add(clauses.criterion(c, List.of(type)));
          }
        }
        any.add(all.isEmpty() ? matchAll() : Clauses.all(all));
      }
      return any.isEmpty() ? Clauses.not(matchAll()) : Clauses.any(any);
    }

    // ---------------------------------------------------------------- base

    /** Current, not deleted, this tenant's. */
    private List<ObjectNode> base() {
      List<ObjectNode> out = new ArrayList<>();
      ObjectNode notDeleted = F.objectNode();
      notDeleted.putObject("term").put("deleted", false);
      out.add(notDeleted);
      if (tenant != null) {
        out.add(Clauses.term("tenant", tenant));
      } else {
        ObjectNode exists = F.objectNode();
        exists.putObject("exists").put("field", "tenant");
        out.add(Clauses.not(exists));
      }
      return out;
    }

    @Override
    public Collection<String> references(List<String> types, Criterion criterion) {
      types.forEach(authorizeType);
      Set<String> refs = new LinkedHashSet<>();
      for (String type : types) {
        ObjectNode body = F.objectNode();
        body.set("query", query(List.of(type), List.of(criterion)));
        body.put("size", MAX_JOIN);
        body.put("track_total_hits", MAX_JOIN + 1);
        body.putArray("_source").add("id");
        SearchResponse<ObjectNode> r = index.search(List.of(Mappings.alias(type)), body);
        if (r.hits().total() != null && r.hits().total().value() > MAX_JOIN) {
          throw tooBroad(criterion.name());
        }
        for (Hit<ObjectNode> h : r.hits().hits()) {
          refs.add(type + "/" + h.source().get("id").asText());
        }
        if (refs.size() > MAX_JOIN) {
          throw tooBroad(criterion.name());
        }
      }
      return refs;
    }

    @Override
    public Collection<String> referencedBy(Criterion.Has has, List<String> baseTypes) {
      authorizeType.accept(has.type());
      ObjectNode body = F.objectNode();
      body.set("query", query(List.of(has.type()), List.of(has.criterion())));
      body.put("size", 0);
      ObjectNode terms = body.putObject("aggs").putObject("refs").putObject("terms");
      terms.put("field", has.referenceParam().field() + ".ref");
      terms.put("size", MAX_JOIN + 1);
      terms.put("include", String.join("|", baseTypes.stream().map(t -> t + "/.*").toList()));
      Aggregate agg = index.search(List.of(Mappings.alias(has.type())), body).aggregations().get("refs");
      Set<String> ids = new LinkedHashSet<>();
      if (agg != null && agg.isSterms()) {
        for (StringTermsBucket b : agg.sterms().buckets().array()) {
          String key = b.key();
          ids.add(key.substring(key.indexOf('/') + 1));
        }
        if (ids.size() > MAX_JOIN || agg.sterms().sumOtherDocCount() > 0) {
          throw tooBroad("_has:" + has.type());
        }
      }
      return ids;
    }

    private FhirException tooBroad(String name) {
      return FhirException.badRequest("'" + name + "' matches more than " + MAX_JOIN
          + " resources; narrow it down");
    }

    // ---------------------------------------------------------------- includes

    List<Found> includes(ParsedSearch s, List<Found> matches, List<String> warnings) {
      if (s.includes().isEmpty() && s.revIncludes().isEmpty()) {
        return List.of();
      }
      Map<String, Found> seen = new LinkedHashMap<>();
      matches.forEach(m -> seen.put(m.reference(), m));
      List<Found> included = new ArrayList<>();
      List<Found> current = matches;
      for (int depth = 0; depth < ITERATE_DEPTH && !current.isEmpty(); depth++) {
        List<Found> next = new ArrayList<>();
        for (Include inc : s.includes()) {
          if (depth == 0 || inc.iterate()) {
            next.addAll(forward(inc, current));
          }
        }
        for (Include inc : s.revIncludes()) {
          if (depth == 0 || inc.iterate()) {
            next.addAll(reverse(inc, current));
          }
        }
        List<Found> fresh = new ArrayList<>();
        for (Found f : next) {
          if (seen.putIfAbsent(f.reference(), f) == null) {
            if (included.size() >= MAX_INCLUDED) {
              warnings.add("Only the first " + MAX_INCLUDED + " included resources are returned");
              return included;
            }
            included.add(f);
            fresh.add(f);
          }
        }
        current = fresh;
      }
      return included;
    }

    /** Resources the include's reference parameter points to from the given ones. */
    private List<Found> forward(Include inc, List<Found> from) {
      Map<String, Set<String>> idsByType = new LinkedHashMap<>();
      for (Found f : from) {
        if (!f.type().equals(inc.sourceType())) {
          continue;
        }
        ObjectNode doc = f.document();
        for (SearchParam p : inc.param() != null ? List.of(inc.param()) : referenceParams(f.type())) {
          for (JsonNode ref : doc.path("p").path(p.name()).path("ref")) {
            References.Parsed parsed = References.parse(ref.asText());
            if (parsed == null || parsed.base() != null) {
              continue;
            }
            if ((inc.targetType() == null || inc.targetType().equals(parsed.type()))
                && (p.targets().isEmpty() || p.targets().contains(parsed.type()))) {
              idsByType.computeIfAbsent(parsed.type(), t -> new LinkedHashSet<>()).add(parsed.id());
            }
          }
        }
      }
      List<Found> out = new ArrayList<>();
      idsByType.forEach((type, ids) -> {
        authorizeType.accept(type);
        ObjectNode q = query(List.of(type), List.of());
        ((ArrayNode) q.get("bool").get("filter")).add(Clauses.terms("id", ids));
        out.addAll(fetch(type, q));
      });
      return out;
    }

    /** Resources of the include's type whose reference parameter points to the given ones. */
    private List<Found> reverse(Include inc, List<Found> to) {
      List<String> refs = to.stream().map(Found::reference).toList();
      if (refs.isEmpty()) {
        return List.of();
      }
      authorizeType.accept(inc.sourceType());
      List<SearchParam> params = inc.param() != null ? List.of(inc.param()) : referenceParams(inc.sourceType());
      List<ObjectNode> any = new ArrayList<>();
      for (SearchParam p : params) {
        List<String> targets = refs.stream().filter(r -> inc.targetType() == null || r.startsWith(inc.targetType()
            + "/")).toList();
        if (!targets.isEmpty()) {
          any.add(Clauses.terms(p.field() + ".ref", targets));
        }
      }
      if (any.isEmpty()) {
        return List.of();
      }
      ObjectNode q = query(List.of(inc.sourceType()), List.of());
      ((ArrayNode) q.get("bool").get("filter")).add(Clauses.any(any));
      return fetch(inc.sourceType(), q);
    }

    private List<Found> fetch(String type, ObjectNode query) {
      ObjectNode body = F.objectNode();
      body.set("query", query);
      body.put("size", MAX_INCLUDED);
      body.putArray("sort").addObject().put("id", "asc");
      List<Found> out = new ArrayList<>();
      for (Hit<ObjectNode> h : index.search(List.of(Mappings.alias(type)), body).hits().hits()) {
        out.add(found(h.source()));
      }
      return out;
    }
  }

  /** Resources of the type in Patient/patient's compartment (the R4 CompartmentDefinition). */
  private static ObjectNode compartment(String type, String patient) {
    List<ObjectNode> refs = new ArrayList<>();
    if (type.equals("Patient")) {
      refs.add(Clauses.term("id", patient));
    }
    for (String name : PatientCompartment.parameters(type)) {
      SearchParam p = SearchParams.find(type, name);
      if (p != null) {
        refs.add(Clauses.term(p.field() + ".ref", "Patient/" + patient));
      }
    }
    return refs.isEmpty() ? Clauses.not(matchAll()) : Clauses.any(refs);
  }

  private static ObjectNode matchAll() {
    ObjectNode q = F.objectNode();
    q.putObject("match_all");
    return q;
  }

  private static List<SearchParam> referenceParams(String type) {
    return SearchParams.of(type).values().stream().filter(p -> p.type() == ParamType.REFERENCE).toList();
  }

  // ------------------------------------------------------------------ sort and paging

  private static ArrayNode sort(List<SortKey> keys, boolean severalTypes) {
    ArrayNode sort = F.arrayNode();
    for (SortKey k : keys) {
      SearchParam p = k.param();
      String order = k.descending() ? "desc" : "asc";
      String mode = k.descending() ? "max" : "min";
      String field;
      String nested = null;
      switch (p.name()) {
        case "_id" -> field = "id";
        case "_lastUpdated" -> field = "lastUpdated";
        default -> {
          switch (p.type()) {
            case STRING -> field = p.field() + ".n";
            case TOKEN -> field = p.field() + ".code";
            case DATE -> field = p.field() + (k.descending() ? ".hi" : ".lo");
            case NUMBER -> field = p.field() + ".v";
            case QUANTITY -> {
              field = p.field() + ".v";
              nested = p.field();
            }
            case REFERENCE -> field = p.field() + ".ref";
            case URI -> field = p.field() + ".u";
            default -> throw FhirException.badRequest("_sort: '" + p.name() + "' cannot be sorted on");
          }
        }
      }
      if (field.equals("id")) {
        continue; // the tie-breaker below
      }
      ObjectNode s = sort.addObject().putObject(field);
      s.put("order", order);
      s.put("mode", mode);
      s.put("unmapped_type", p.type() == ParamType.DATE || field.equals("lastUpdated") ? "date"
          : p.type() == ParamType.NUMBER || p.type() == ParamType.QUANTITY ? "double" : "keyword");
      if (nested != null) {
        s.putObject("nested").put("path", nested);
      }
    }
    // Unique, stable order: paging by search_after needs a total order.
    boolean idDescending = keys.stream().anyMatch(k -> k.param().name().equals("_id") && k.descending());
    if (severalTypes) {
      sort.addObject().put("rt", "asc");
    }
    sort.addObject().put("id", idDescending ? "desc" : "asc");
    return sort;
  }

  private static String encodePage(List<FieldValue> values) {
    ArrayNode a = F.arrayNode();
    for (FieldValue v : values) {
      if (v.isLong()) {
        a.add(v.longValue());
      } else if (v.isDouble()) {
        a.add(v.doubleValue());
      } else if (v.isBoolean()) {
        a.add(v.booleanValue());
      } else if (v.isString()) {
        a.add(v.stringValue());
      } else {
        a.addNull();
      }
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(a.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The sort values a page token holds: one per sort key of the search (a token of another
   * search, or a forged one, is refused), each a string of bounded length, an integer or a finite
   * number.
   */
  private static ArrayNode decodePage(String token, int sortKeys) {
    try {
      if (token.length() > MAX_PAGE_TOKEN) {
        throw new InvalidPageTokenException("Invalid _page token: too long");
      }
      JsonNode n = MAPPER.readTree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      if (n instanceof ArrayNode a && a.size() == sortKeys) {
        for (JsonNode v : a) {
          boolean valid = v.isTextual() || v.isNull() || v.isBoolean() || v.canConvertToLong()
              || (v.isFloatingPointNumber() && Double.isFinite(v.doubleValue()));
          if (!valid) {
            throw new InvalidPageTokenException("Invalid _page token '" + token + "': use the links of the search "
                + "Bundle");
          }
        }
        return a;
      }
    } catch (IllegalArgumentException | java.io.IOException e) {
      // fall through
    }
    throw new InvalidPageTokenException("Invalid _page token '" + token + "': use the links of the search Bundle");
  }
}
