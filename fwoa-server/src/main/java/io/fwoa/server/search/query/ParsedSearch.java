package io.fwoa.server.search.query;

import io.fwoa.server.search.params.SearchParam;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search request after parsing: what to match, how to sort and page, what to include.
 *
 * @param types the resource types searched (one for a type search)
 * @param criteria the criteria, all required
 * @param sort sort keys in order
 * @param count page size
 * @param total how to report the total
 * @param summary the _summary mode, or null
 * @param elements the _elements, or null
 * @param includes _include specifications
 * @param revIncludes _revinclude specifications
 * @param page the page token, or null for the first page
 * @param warnings parameters ignored under lenient handling
 * @param query the request's parameters, for self and next links (without _page)
 */
public record ParsedSearch(List<String> types, List<Criterion> criteria, List<SortKey> sort, int count, Total total,
    Summary summary, Set<String> elements, List<Include> includes, List<Include> revIncludes, String page,
    List<String> warnings, List<Map.Entry<String, String>> query) {

  public enum Total { NONE, ESTIMATE, ACCURATE }

  public enum Summary { TRUE, TEXT, DATA, COUNT, FALSE }

  /**
   * A sort key: a parameter, or {@code _id}/{@code _lastUpdated} (param then describes them).
   */
  public record SortKey(SearchParam param, boolean descending) {}

  /**
   * An _include or _revinclude: resources referenced from (or referencing) the results.
   *
   * @param sourceType the type holding the reference
   * @param param the reference parameter, or null for "*" (every reference parameter)
   * @param targetType restricts the referenced type, or null
   * @param iterate applies to included resources too (:iterate)
   */
  public record Include(String sourceType, SearchParam param, String targetType, boolean iterate) {}
}
