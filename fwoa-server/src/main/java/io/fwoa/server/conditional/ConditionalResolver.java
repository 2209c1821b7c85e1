package io.fwoa.server.conditional;

import java.util.Set;

/**
 * Finds the resources a conditional operation refers to. The built-in {@link
 * StorageConditionalResolver} understands {@code _id} and {@code identifier}; a search-backed
 * resolver replaces it once search exists.
 */
public interface ConditionalResolver {

  /**
   * @return logical ids of the current, not deleted resources of {@code type} matching every
   *     criterion
   * @throws io.fwoa.server.api.FhirException (400) for criteria this resolver cannot evaluate
   */
  Set<String> resolve(String tenant, String type, SearchCriteria criteria);
}
