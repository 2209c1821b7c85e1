package io.fwoa.server.search;

import ca.uhn.fhir.parser.IParser;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.SearchRestriction;
import io.fwoa.server.conditional.SearchCriteria;
import io.fwoa.server.config.Lazy;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.search.opensearch.SearchIndex;
import io.fwoa.server.search.query.ParsedSearch;
import io.fwoa.server.search.query.ParsedSearch.Summary;
import io.fwoa.server.search.query.SearchEngine;
import io.fwoa.server.search.query.SearchEngine.Found;
import io.fwoa.server.search.query.SearchParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Search as the API serves it: parameters → {@link ParsedSearch} → {@link SearchEngine} → a
 * searchset Bundle (self/next links, total, matches, included resources, an OperationOutcome entry
 * for ignored parameters), encoded with _summary and _elements applied. The OpenSearch client is
 * created on the first search, keeping it off the function's cold start.
 */
public final class SearchService {

  private static final Logger LOG = LoggerFactory.getLogger(SearchService.class);

  private final Supplier<SearchEngine> engine;

  public SearchService(Supplier<SearchIndex> index) {
    this.engine = Lazy.of(() -> new SearchEngine(index.get()));
  }

  public SearchEngine engine() {
    return engine.get();
  }

  /**
   * @param types the searched types
   * @param parameters the request's parameters in order (query string, plus the form body of
   *     POST _search)
   * @param path the search's path for links ("/Patient" or "" for system search)
   * @param base the base URL as the client sees it (with the tenant), or null
   * @param authorizeType authorizes reading other types (chains, _has, includes)
   * @return the searchset Bundle as JSON
   */
  public String search(List<String> types, List<Map.Entry<String, String>> parameters, boolean strict,
      String tenant, String path, String base, Consumer<String> authorizeType) {
    return search(types, parameters, strict, tenant, path, base, authorizeType, null);
  }

  /**
   * @param restriction what the caller's access reaches of each type, or null for everything
   */
  public String search(List<String> types, List<Map.Entry<String, String>> parameters, boolean strict,
      String tenant, String path, String base, Consumer<String> authorizeType,
      Function<String, SearchRestriction> restriction) {
    ParsedSearch parsed = SearchParser.parse(types, parameters, strict);
    SearchEngine.Result result = engine().search(parsed, tenant, base, authorizeType, restriction);
    String prefix = (base == null ? "" : base) + path;
    String query = encode(parsed.query());
    Bundle bundle = new Bundle();
    bundle.setType(BundleType.SEARCHSET);
    if (result.total() != null) {
      bundle.setTotal(result.total().intValue());
    }
    bundle.addLink().setRelation("self").setUrl(prefix + (query.isEmpty() ? "" : "?" + query)
        + (parsed.page() == null ? "" : (query.isEmpty() ? "?" : "&") + "_page=" + parsed.page()));
    if (result.nextPage() != null) {
      bundle.addLink().setRelation("next").setUrl(prefix + "?" + (query.isEmpty() ? "" : query + "&") + "_page="
          + result.nextPage());
    }
    List<String> unreadable = new ArrayList<>();
    for (Found f : result.matches()) {
      entry(bundle, f, base, SearchEntryMode.MATCH, unreadable);
    }
    for (Found f : result.included()) {
      entry(bundle, f, base, SearchEntryMode.INCLUDE, unreadable);
    }
    if (!result.warnings().isEmpty() || result.totalIsEstimate() || !unreadable.isEmpty()) {
      OperationOutcome outcome = new OperationOutcome();
      for (String w : result.warnings()) {
        outcome.addIssue().setSeverity(IssueSeverity.WARNING).setCode(IssueType.NOTSUPPORTED).setDiagnostics(w);
      }
      for (String u : unreadable) {
        outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.PROCESSING).setDiagnostics(u);
      }
      if (result.totalIsEstimate()) {
        outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
            .setDiagnostics("Bundle.total is an estimate (at least " + result.total() + ")");
      }
      bundle.addEntry().setResource(outcome).getSearch().setMode(SearchEntryMode.OUTCOME);
    }
    return parser(parsed, types).encodeResourceToString(bundle);
  }

  /**
   * Adds a found resource. One whose indexed copy cannot be parsed is left out and named in
   * {@code unreadable} (reported in the outcome entry), so it never fails the whole page.
   */
  private static void entry(Bundle bundle, Found f, String base, SearchEntryMode mode, List<String> unreadable) {
    if (f.resource() == null) {
      return;
    }
    Resource r;
    try {
      r = (Resource) Fhir.jsonParser().parseResource(f.resource().toString());
    } catch (RuntimeException | StackOverflowError e) {
      LOG.warn("The indexed copy of {} cannot be served: {}", f.reference(), e.toString());
      unreadable.add(f.reference() + " (" + mode.toCode() + ") cannot be served: its stored form cannot be read ("
          + e.getMessage() + "); it was left out of this page");
      return;
    }
    BundleEntryComponent e = bundle.addEntry();
    e.setFullUrl((base == null ? "" : base + "/") + f.reference());
    e.setResource(r);
    e.getSearch().setMode(mode);
  }

  private static IParser parser(ParsedSearch s, List<String> types) {
    IParser p = Fhir.jsonParser();
    Summary summary = s.summary();
    if (summary == Summary.TRUE) {
      p.setSummaryMode(true);
    } else if (summary == Summary.DATA) {
      p.setSuppressNarratives(true);
    } else if (summary == Summary.TEXT) {
      p.setEncodeElements(Set.of("*.text", "*.id", "*.meta"));
      p.setEncodeElementsAppliesToChildResourcesOnly(true);
    }
    if (s.elements() != null && summary != Summary.TEXT) {
      Set<String> elements = new HashSet<>();
      for (String e : s.elements()) {
        elements.add("*." + e);
      }
      elements.add("*.id");
      elements.add("*.meta");
      p.setEncodeElements(elements);
      p.setEncodeElementsAppliesToChildResourcesOnly(true);
    }
    return p;
  }

  private static String encode(List<Map.Entry<String, String>> query) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : query) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8).replace("%3A", ":"))
          .append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)
              .replace("%2C", ","));
    }
    return b.toString();
  }

  /** The ids a condition matches, for conditional create/update/delete/patch. */
  public List<String> resolve(String tenant, String type, SearchCriteria criteria, int max) {
    ParsedSearch parsed = SearchParser.parse(List.of(type), criteria.parameters(), true);
    if (!parsed.includes().isEmpty() || !parsed.revIncludes().isEmpty()) {
      throw FhirException.badRequest("A condition cannot use _include or _revinclude");
    }
    return engine().ids(type, parsed.criteria(), tenant, max);
  }

}
