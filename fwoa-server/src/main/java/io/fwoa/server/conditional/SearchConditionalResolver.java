package io.fwoa.server.conditional;

import io.fwoa.server.search.SearchService;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The full conditional resolver: any search parameter, answered by search. Conditions only on
 * {@code _id} and {@code identifier} still go to storage, which is read-after-write consistent
 * (the search index follows the table's stream, about a second behind in the cloud). Candidates
 * from search are checked against their current stored version.
 */
public final class SearchConditionalResolver implements ConditionalResolver {

  /** Most matches looked at; conditional operations only care about zero, one or several. */
  private static final int MAX_MATCHES = 100;

  private final ResourceStore store;
  private final StorageConditionalResolver storage;
  private final SearchService search;

  public SearchConditionalResolver(ResourceStore store, SearchService search) {
    this.store = store;
    this.storage = new StorageConditionalResolver(store);
    this.search = search;
  }

  @Override
  public Set<String> resolve(String tenant, String type, SearchCriteria criteria) {
    if (criteria.isEmpty()) {
      return storage.resolve(tenant, type, criteria);
    }
    boolean storageOnly = criteria.parameters().stream().map(Map.Entry::getKey)
        .allMatch(n -> n.equals("_id") || n.equals("identifier"));
    if (storageOnly) {
      return storage.resolve(tenant, type, criteria);
    }
    Set<String> out = new LinkedHashSet<>();
    for (String id : search.resolve(tenant, type, criteria, MAX_MATCHES)) {
      Optional<StoredVersion> current = store.current(new ResourceKey(tenant, type, id));
      if (current.isPresent() && !current.get().deleted()) {
        out.add(id);
      }
    }
    return out;
  }
}
