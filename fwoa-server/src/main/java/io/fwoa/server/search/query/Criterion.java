package io.fwoa.server.search.query;

import io.fwoa.server.search.params.SearchParam;
import java.util.List;

/**
 * One search parameter occurrence of a request: its values are alternatives (OR); several
 * criteria are all required (AND).
 *
 * @param name the parameter name as sent, with its modifier (for messages and links)
 * @param param the parameter
 * @param modifier the modifier after ':' (null if none; for references also a target type)
 * @param values the alternatives, still escaped
 * @param chain for a chained parameter (subject.name=x): the criterion on the referenced types
 * @param chainTypes the types the chain searches
 * @param has for _has: the reverse chain
 */
public record Criterion(String name, SearchParam param, String modifier, List<String> values, Criterion chain,
    List<String> chainTypes, Has has) {

  /**
   * A reverse chain: resources of {@code type} whose {@code referenceParam} points at the
   * resource being searched, and that match {@code criterion}.
   */
  public record Has(String type, SearchParam referenceParam, Criterion criterion) {}
}
