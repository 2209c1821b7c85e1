package io.fwoa.server.conditional;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.fhir.Identifiers;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * Conditions on {@code _id} and {@code identifier}, answered from storage (the identifier index,
 * then a check of each candidate's current version). Anything else needs search.
 */
public final class StorageConditionalResolver implements ConditionalResolver {

  private final ResourceStore store;

  public StorageConditionalResolver(ResourceStore store) {
    this.store = store;
  }

  @Override
  public Set<String> resolve(String tenant, String type, SearchCriteria criteria) {
    if (criteria.isEmpty()) {
      throw FhirException.badRequest("A conditional operation needs at least one search parameter");
    }
    Set<String> ids = null;
    List<List<IdentifierToken>> identifierConditions = new ArrayList<>();
    for (Map.Entry<String, String> p : criteria.parameters()) {
      String name = p.getKey();
      List<String> alternatives = List.of(p.getValue().split(","));
      switch (name) {
        case "_id" -> ids = intersect(ids, new LinkedHashSet<>(alternatives));
        case "identifier" -> {
          List<IdentifierToken> tokens = alternatives.stream().map(IdentifierToken::parse).toList();
          identifierConditions.add(tokens);
          Set<String> candidates = new LinkedHashSet<>();
          for (IdentifierToken t : tokens) {
            candidates.addAll(store.idsWithIdentifierValue(tenant, type, t.value()));
          }
          ids = intersect(ids, candidates);
        }
        default -> throw FhirException.notSupported("Conditional operations support the search parameters _id and "
            + "identifier; '" + name + "' is not supported");
      }
    }
    Set<String> matches = new LinkedHashSet<>();
    for (String id : ids) {
      Optional<StoredVersion> current = store.current(new ResourceKey(tenant, type, id));
      if (current.isEmpty() || current.get().deleted()) {
        continue;
      }
      if (!identifierConditions.isEmpty()) {
        Resource resource;
        try {
          resource = (Resource) Fhir.jsonParser().parseResource(current.get().json());
        } catch (RuntimeException e) {
          // Whether it matches cannot be known: refuse rather than guess.
          throw new FhirException(409, org.hl7.fhir.r4.model.OperationOutcome.IssueType.PROCESSING, type + "/" + id
              + " cannot be read to check the condition: its stored form is damaged (" + e.getMessage() + ")");
        }
        List<Identifier> identifiers = Identifiers.of(resource);
        boolean all = identifierConditions.stream()
            .allMatch(any -> any.stream().anyMatch(t -> t.matchesAny(identifiers)));
        if (!all) {
          continue;
        }
      }
      matches.add(id);
    }
    return matches;
  }

  private static Set<String> intersect(Set<String> current, Set<String> next) {
    if (current == null) {
      return next;
    }
    current.retainAll(next);
    return current;
  }
}
