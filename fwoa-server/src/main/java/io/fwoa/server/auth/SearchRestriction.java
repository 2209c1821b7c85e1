package io.fwoa.server.auth;

import java.util.List;
import java.util.Map;

/**
 * What a restricted caller's searches of one type may find: resources matching any of the
 * alternatives (one per scope that allows the search). No alternatives: nothing.
 *
 * @param anyOf the alternatives
 */
public record SearchRestriction(List<Alternative> anyOf) {

  public SearchRestriction {
    anyOf = List.copyOf(anyOf);
  }

  /**
   * Resources in a patient's compartment (when {@code patient} is set) that match a granular
   * scope's query (when it is not empty).
   *
   * @param patient the patient id whose compartment, or null for any
   * @param query search parameters every resource must match (token parameters; see
   *     {@link io.fwoa.server.search.query.GranularMatch})
   */
  public record Alternative(String patient, List<Map.Entry<String, String>> query) {
    public Alternative {
      query = List.copyOf(query);
    }
  }
}
