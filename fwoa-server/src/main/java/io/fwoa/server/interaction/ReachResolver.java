package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.Reach;
import io.fwoa.server.conditional.ConditionalResolver;
import io.fwoa.server.conditional.SearchCriteria;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Conditions of a caller with restricted access match only resources it can see: a patient app's
 * {@code If-None-Exist} or conditional update never finds, returns or changes another patient's
 * resource, and the number of matches it is told counts only its own.
 */
final class ReachResolver implements ConditionalResolver {

  private final ConditionalResolver resolver;
  private final ResourceStore store;
  private final Reach reach;

  ReachResolver(ConditionalResolver resolver, ResourceStore store, Reach reach) {
    this.resolver = resolver;
    this.store = store;
    this.reach = reach;
  }

  @Override
  public Set<String> resolve(String tenant, String type, SearchCriteria criteria) {
    Set<String> out = new LinkedHashSet<>();
    for (String id : resolver.resolve(tenant, type, criteria)) {
      Optional<StoredVersion> current = store.current(new ResourceKey(tenant, type, id));
      if (current.isPresent() && !current.get().deleted() && current.get().json() != null && sees(current.get())) {
        out.add(id);
      }
    }
    return out;
  }

  private boolean sees(StoredVersion v) {
    try {
      return reach.sees(StoredJson.parse(v, v.json()));
    } catch (FhirException unreadable) {
      return false;
    }
  }
}
