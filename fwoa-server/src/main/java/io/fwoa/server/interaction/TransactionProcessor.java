package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.api.OperationOutcomes;
import io.fwoa.server.auth.Interaction;
import io.fwoa.server.conditional.IdentifierToken;
import io.fwoa.server.conditional.SearchCriteria;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.fhir.Identifiers;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionConflictException;
import io.fwoa.server.storage.VersionWrite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR transaction: every entry succeeds or none does. Entries are processed in the order the
 * specification prescribes (DELETE, POST, PUT/PATCH, then GET); {@code urn:uuid:} and other
 * fullUrl references and conditional references ({@code Type?identifier=...}) are resolved
 * before anything is written; all versions are then written with {@link
 * io.fwoa.server.storage.ResourceStore#writeAll}, which is all-or-nothing.
 */
final class TransactionProcessor {

  /**
   * A transaction that lost a race without any If-Match is planned again, after a short random
   * pause, up to this many times: long enough for a competing transaction to commit.
   */
  private static final int ATTEMPTS = 10;

  interface AccessCheck {
    void check(Interaction interaction, String type);
  }

  private final Interactions in;

  TransactionProcessor(Interactions in) {
    this.in = in;
  }

  private static final class Entry {
    final int index;
    final BundleEntryComponent source;
    final HTTPVerb method;
    final EntryUrl url;
    Resource resource;
    JsonPatch patch;
    ResourceKey target;
    boolean fresh;
    /**
     * A conditional create whose id is derived from its condition (as {@link Interactions#create}
     * does): if another request took that id meanwhile, its resource is the match.
     */
    boolean derivedId;
    /** Nothing to write: a conditional create that matched, or a delete of something already gone. */
    boolean noop;
    /** An earlier conditional create of this transaction under the same condition: this one's match. */
    Entry sameAs;
    int status;
    StoredVersion version;
    String json;

    Entry(int index, BundleEntryComponent source, HTTPVerb method, EntryUrl url) {
      this.index = index;
      this.source = source;
      this.method = method;
      this.url = url;
    }

    String ifMatch() {
      String v = source.getRequest().getIfMatch();
      return v == null || v.isBlank() ? null : v;
    }
  }

  Bundle process(Bundle bundle, ServerBase base, AccessCheck access, boolean representation) {
    FullUrls.requireUnique(bundle, true);
    String tenant = base.tenant();
    List<Entry> entries = parse(bundle, base, access);
    List<Entry> ordered = new ArrayList<>(entries);
    ordered.sort(Comparator.comparingInt((Entry e) -> order(e.method)).thenComparingInt(e -> e.index));

    Map<String, String> fullUrls = new HashMap<>();
    resolveTargets(ordered, tenant, fullUrls);
    rewriteReferences(ordered, tenant, fullUrls);

    for (int attempt = 1; ; attempt++) {
      List<VersionWrite> writes = plan(ordered, base);
      try {
        in.store().writeAll(writes);
        break;
      } catch (VersionConflictException e) {
        boolean guarded = ordered.stream().anyMatch(x -> x.ifMatch() != null);
        if (guarded) {
          throw FhirException.preconditionFailed("Transaction failed, nothing was written: "
              + e.getMessage() + " (If-Match given)");
        }
        if (attempt >= ATTEMPTS) {
          throw FhirException.conflict("Transaction failed, nothing was written: " + e.getMessage());
        }
        pause(attempt);
      }
    }

    for (Entry e : ordered) {
      if (e.method == HTTPVerb.GET) {
        try {
          Interactions.Result r = e.url.versionId() != null
              ? in.vread(tenant, e.url.type(), e.url.id(), e.url.versionId())
              : in.read(tenant, e.url.type(), e.url.id());
          e.status = 200;
          e.version = r.version();
          e.json = r.json();
        } catch (FhirException fe) {
          e.status = fe.status();
        }
      } else if (e.version != null && e.json == null && !e.version.deleted()) {
        e.json = representation ? in.binaries().present(e.version, true) : null;
      }
    }
    return response(entries, representation);
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(2, 10 + attempt * 20));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw FhirException.conflict("Interrupted while retrying a conflicting transaction");
    }
  }

  private static int order(HTTPVerb method) {
    return switch (method) {
      case DELETE -> 0;
      case POST -> 1;
      case PUT, PATCH -> 2;
      default -> 3;
    };
  }

  private List<Entry> parse(Bundle bundle, ServerBase base, AccessCheck access) {
    List<Entry> entries = new ArrayList<>();
    int i = 0;
    for (BundleEntryComponent source : bundle.getEntry()) {
      String where = "Entry " + i;
      if (!source.hasRequest() || source.getRequest().getMethod() == null) {
        throw FhirException.badRequest(where + " has no request.method");
      }
      HTTPVerb method = source.getRequest().getMethod();
      EntryUrl url;
      try {
        url = EntryUrl.parse(source.getRequest().getUrl(), base);
      } catch (FhirException e) {
        throw FhirException.badRequest(where + ": " + e.getMessage());
      }
      if (url.type() == null) {
        throw FhirException.badRequest(where + ": system-level requests are not allowed inside a transaction");
      }
      Entry e = new Entry(i, source, method, url);
      switch (method) {
        case POST -> {
          requireResource(e, where);
          if (url.id() != null || url.history()) {
            throw FhirException.badRequest(where + ": POST goes to the type URL ('" + url.type() + "')");
          }
          access.check(Interaction.CREATE, url.type());
        }
        case PUT -> {
          requireResource(e, where);
          requireTarget(e, where);
          access.check(Interaction.UPDATE, url.type());
        }
        case PATCH -> {
          if (!(source.getResource() instanceof Binary b) || b.getData() == null
              || b.getContentType() == null || !b.getContentType().startsWith("application/json-patch+json")) {
            throw FhirException.badRequest(where + ": PATCH in a bundle needs a Binary with contentType "
                + "application/json-patch+json holding the JSON Patch");
          }
          e.patch = JsonPatch.parse(new String(b.getData(), StandardCharsets.UTF_8));
          requireTarget(e, where);
          access.check(Interaction.PATCH, url.type());
        }
        case DELETE -> {
          requireTarget(e, where);
          access.check(Interaction.DELETE, url.type());
        }
        case GET -> {
          if (url.id() == null || url.history() || url.query() != null) {
            throw FhirException.notSupported(where + ": only read and vread are supported inside a transaction");
          }
          access.check(url.versionId() != null ? Interaction.VREAD : Interaction.READ, url.type());
        }
        default -> throw FhirException.badRequest(where + ": method " + method.toCode()
            + " is not allowed in a transaction");
      }
      entries.add(e);
      i++;
    }
    return entries;
  }

  private static void requireResource(Entry e, String where) {
    Resource r = e.source.getResource();
    if (r == null) {
      throw FhirException.badRequest(where + ": " + e.method.toCode() + " needs a resource");
    }
    if (!r.fhirType().equals(e.url.type())) {
      throw FhirException.badRequest(where + ": resourceType '" + r.fhirType() + "' does not match the URL's type '"
          + e.url.type() + "'");
    }
    e.resource = r;
  }

  private static void requireTarget(Entry e, String where) {
    if (e.url.id() == null && !e.url.conditional()) {
      throw FhirException.badRequest(where + ": " + e.method.toCode() + " needs Type/id or a condition (Type?...)");
    }
    if (e.url.history() || e.url.versionId() != null) {
      throw FhirException.badRequest(where + ": " + e.method.toCode() + " cannot target a _history URL");
    }
    if (e.url.id() != null) {
      Resources.checkId(e.url.id());
    }
  }

  /** Decides which resource each entry writes, and what every fullUrl stands for. */
  private void resolveTargets(List<Entry> ordered, String tenant, Map<String, String> fullUrls) {
    Set<ResourceKey> written = new HashSet<>();
    Map<ResourceKey, Entry> derived = new HashMap<>();
    for (Entry e : ordered) {
      String type = e.url.type();
      String where = "Entry " + e.index;
      switch (e.method) {
        case DELETE -> {
          if (e.url.id() != null) {
            e.target = new ResourceKey(tenant, type, e.url.id());
          } else {
            Set<String> m = in.resolver().resolve(tenant, type, e.url.criteria());
            if (m.size() > 1) {
              throw FhirException.preconditionFailed(where + ": the delete condition matches " + m.size() + " resources");
            }
            if (m.isEmpty()) {
              e.noop = true;
              e.status = 204;
            } else {
              e.target = new ResourceKey(tenant, type, m.iterator().next());
            }
          }
        }
        case POST -> {
          String ifNoneExist = e.source.getRequest().getIfNoneExist();
          if (ifNoneExist != null && !ifNoneExist.isBlank()) {
            SearchCriteria criteria = SearchCriteria.parse(Interactions.conditionQuery(ifNoneExist));
            Set<String> m = in.resolver().resolve(tenant, type, criteria);
            if (m.size() > 1) {
              throw FhirException.preconditionFailed(where + ": ifNoneExist '" + ifNoneExist + "' matches "
                  + m.size() + " resources");
            }
            if (m.size() == 1) {
              e.noop = true;
              e.status = 200;
              e.target = new ResourceKey(tenant, type, m.iterator().next());
            } else {
              claimConditionalId(e, new ResourceKey(tenant, type, Interactions.conditionalId(tenant, type, criteria)),
                  derived);
            }
          }
          if (e.target == null) {
            e.target = new ResourceKey(tenant, type, UUID.randomUUID().toString());
            e.fresh = true;
          }
        }
        case PUT -> {
          String bodyId = Resources.bodyId(e.resource);
          if (e.url.id() != null) {
            if (bodyId != null && !bodyId.equals(e.url.id())) {
              throw FhirException.badRequest(where + ": the resource id '" + bodyId + "' does not match the URL's id '"
                  + e.url.id() + "'");
            }
            e.target = new ResourceKey(tenant, type, e.url.id());
          } else {
            Set<String> m = in.resolver().resolve(tenant, type, e.url.criteria());
            if (m.size() > 1) {
              throw FhirException.preconditionFailed(where + ": the update condition matches " + m.size()
                  + " resources");
            }
            if (m.size() == 1) {
              String id = m.iterator().next();
              if (bodyId != null && !bodyId.equals(id)) {
                throw FhirException.badRequest(where + ": the resource id '" + bodyId
                    + "' does not match the resource the condition found");
              }
              e.target = new ResourceKey(tenant, type, id);
            } else if (bodyId != null) {
              Resources.checkId(bodyId);
              e.target = new ResourceKey(tenant, type, bodyId);
            } else {
              e.target = new ResourceKey(tenant, type, UUID.randomUUID().toString());
              e.fresh = true;
            }
          }
        }
        case PATCH -> {
          if (e.url.id() != null) {
            e.target = new ResourceKey(tenant, type, e.url.id());
          } else {
            Set<String> m = in.resolver().resolve(tenant, type, e.url.criteria());
            if (m.size() != 1) {
              throw m.isEmpty() ? FhirException.notFound(where + ": the patch condition matches no resource")
                  : FhirException.preconditionFailed(where + ": the patch condition matches " + m.size()
                      + " resources");
            }
            e.target = new ResourceKey(tenant, type, m.iterator().next());
          }
        }
        default -> { }
      }
      if (e.method != HTTPVerb.GET && e.target != null && !e.noop && !written.add(e.target)) {
        throw FhirException.badRequest(where + ": " + e.target.reference()
            + " is changed by more than one entry of the transaction");
      }
      String fullUrl = e.source.getFullUrl();
      if (fullUrl != null && !fullUrl.isBlank() && e.target != null) {
        fullUrls.put(fullUrl, e.target.reference());
      }
    }
  }

  /**
   * A conditional create that matched nothing tries the id derived from its condition, as a plain
   * conditional create does, so that concurrent creates under one condition (plain or in
   * transactions) make one resource. A resource already under that id that was never changed is
   * the match (the search may trail the table); one that was changed or deleted no longer matches,
   * and the entry gets a fresh id. A second entry under the same condition matches the first.
   */
  private void claimConditionalId(Entry e, ResourceKey key, Map<ResourceKey, Entry> derived) {
    Entry earlier = derived.get(key);
    if (earlier != null) {
      e.noop = true;
      e.status = 200;
      e.target = key;
      e.sameAs = earlier;
      return;
    }
    StoredVersion existing = in.store().current(key).orElse(null);
    if (existing == null) {
      e.target = key;
      e.derivedId = true;
      derived.put(key, e);
    } else if (!existing.deleted() && existing.versionId() == 1) {
      e.noop = true;
      e.status = 200;
      e.target = key;
    }
  }

  /** Points every reference at its final target: fullUrls, then conditional references. */
  private void rewriteReferences(List<Entry> ordered, String tenant, Map<String, String> fullUrls) {
    Map<String, String> conditional = new HashMap<>();
    for (Entry e : ordered) {
      if (e.resource == null || e.noop) {
        continue;
      }
      for (Reference ref : Fhir.context().newTerser().getAllPopulatedChildElementsOfType(e.resource, Reference.class)) {
        String value = ref.getReference();
        if (value == null || value.isEmpty() || value.startsWith("#")) {
          continue;
        }
        String mapped = fullUrls.get(value);
        if (mapped != null) {
          ref.setReference(mapped);
        } else if (value.startsWith("urn:uuid:") || value.startsWith("urn:oid:")) {
          throw FhirException.badRequest("Entry " + e.index + ": reference '" + value
              + "' matches no fullUrl in the transaction");
        } else if (value.indexOf('?') > 0 && value.substring(0, value.indexOf('?')).matches("[A-Z][A-Za-z]+")) {
          String target = conditional.get(value);
          if (target == null) {
            target = resolveConditionalReference(value, ordered, tenant, e.index);
            conditional.put(value, target);
          }
          ref.setReference(target);
        }
      }
    }
  }

  private String resolveConditionalReference(String reference, List<Entry> ordered, String tenant, int index) {
    int q = reference.indexOf('?');
    String type = reference.substring(0, q);
    if (!Fhir.context().getResourceTypes().contains(type)) {
      throw FhirException.badRequest("Entry " + index + ": conditional reference '" + reference
          + "' names an unknown type");
    }
    SearchCriteria criteria = SearchCriteria.parse(reference.substring(q + 1));
    Set<String> matches = new LinkedHashSet<>();
    for (Entry other : ordered) {
      if (other.resource != null && other.target != null && other.resource.fhirType().equals(type)
          && matchesInBundle(criteria, other)) {
        matches.add(other.target.reference());
      }
    }
    for (String id : in.resolver().resolve(tenant, type, criteria)) {
      matches.add(type + "/" + id);
    }
    if (matches.size() != 1) {
      throw FhirException.preconditionFailed("Entry " + index + ": conditional reference '" + reference
          + "' matches " + matches.size() + " resources (exactly one is required)");
    }
    return matches.iterator().next();
  }

  private static boolean matchesInBundle(SearchCriteria criteria, Entry e) {
    for (Map.Entry<String, String> p : criteria.parameters()) {
      List<String> any = List.of(p.getValue().split(","));
      boolean ok = switch (p.getKey()) {
        case "_id" -> any.contains(e.target.id());
        case "identifier" -> any.stream().map(IdentifierToken::parse)
            .anyMatch(t -> t.matchesAny(Identifiers.of(e.resource)));
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A resource this transaction writes: its content, and the version number it takes. */
  private record Change(Entry entry, Resource resource, long versionId, boolean created) {}

  /**
   * Reads current versions, checks If-Match, computes every new resource, checks their references
   * (with ENFORCE_REFERENTIAL_INTEGRITY, all at once), and builds the versions to write.
   */
  private List<VersionWrite> plan(List<Entry> ordered, ServerBase caller) {
    List<VersionWrite> writes = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    for (Entry e : ordered) {
      if (e.method == HTTPVerb.GET || e.noop && e.method != HTTPVerb.POST) {
        continue;
      }
      String where = "Entry " + e.index;
      if (e.noop) {
        // conditional create that matched: report the existing resource (or, below, the earlier entry's)
        e.version = e.sameAs != null ? null : in.store().current(e.target).orElse(null);
        continue;
      }
      StoredVersion current = e.fresh ? null : in.store().current(e.target).orElse(null);
      if (e.derivedId && current != null) {
        if (current.deleted()) {
          throw FhirException.conflict(where + ": " + e.target.reference() + ", the resource of ifNoneExist '"
              + e.source.getRequest().getIfNoneExist() + "', was created and deleted concurrently; retry");
        }
        // Another request created it under the same condition since this one was resolved.
        e.version = current;
        e.status = 200;
        continue;
      }
      try {
        Interactions.checkIfMatch(e.ifMatch(), current, e.target);
      } catch (FhirException fe) {
        throw new FhirException(fe.status(), fe.issueType(), where + ": " + fe.getMessage());
      }
      long vid = current == null ? 1 : current.versionId() + 1;
      switch (e.method) {
        case DELETE -> {
          if (current == null) {
            throw FhirException.notFound(where + ": " + e.target.reference() + " is not known");
          }
          if (current.deleted()) {
            e.status = 204;
            e.version = current;
            continue;
          }
          in.checkWrite(Interaction.DELETE, current, null, where + ": ");
          StoredVersion tombstone = new StoredVersion(e.target, vid, in.now(), true, null, "DELETE", null);
          writes.add(new VersionWrite(tombstone, Set.of(), false));
          e.version = tombstone;
          e.status = 204;
        }
        case POST, PUT -> {
          in.checkWrite(e.method == HTTPVerb.POST ? Interaction.CREATE : Interaction.UPDATE, current, e.resource,
              where + ": ");
          changes.add(new Change(e, e.resource.copy(), vid, current == null || current.deleted()));
        }
        case PATCH -> {
          if (current == null || current.deleted()) {
            throw current == null ? FhirException.notFound(where + ": " + e.target.reference() + " is not known")
                : FhirException.gone(where + ": " + e.target.reference() + " was deleted");
          }
          Resource patched = Interactions.applyPatch(e.patch, current, e.target.type(), e.target.id());
          in.checkWrite(Interaction.PATCH, current, patched, where + ": ");
          changes.add(new Change(e, patched, vid, false));
        }
        default -> { }
      }
    }
    checkReferences(ordered, changes, caller);
    for (Change c : changes) {
      Entry e = c.entry();
      StoredVersion v = in.newVersion(e.target, c.resource(), c.versionId(), e.method.toCode());
      writes.add(new VersionWrite(v, Identifiers.values(c.resource()), e.fresh));
      e.version = v;
      e.status = c.created() ? 201 : 200;
    }
    for (Entry e : ordered) {
      if (e.sameAs != null) {
        e.version = e.sameAs.version;
      }
    }
    return writes;
  }

  /**
   * With ENFORCE_REFERENTIAL_INTEGRITY: what the transaction writes may refer to existing resources
   * and to what it writes itself, not to what it deletes.
   */
  private void checkReferences(List<Entry> ordered, List<Change> changes, ServerBase caller) {
    ReferentialIntegrity integrity = in.integrity();
    if (integrity == null) {
      return;
    }
    Set<ResourceKey> written = new HashSet<>();
    Set<ResourceKey> deleted = new HashSet<>();
    for (Entry e : ordered) {
      if (e.version != null) {
        (e.version.deleted() ? deleted : written).add(e.target);
      }
    }
    List<ReferentialIntegrity.Written> resources = new ArrayList<>();
    for (Change c : changes) {
      written.add(c.entry().target);
      resources.add(new ReferentialIntegrity.Written("Entry " + c.entry().index + ": ", c.resource()));
    }
    integrity.check(caller, resources, written, deleted);
  }

  private static Bundle response(List<Entry> entries, boolean representation) {
    Bundle out = new Bundle();
    out.setType(BundleType.TRANSACTIONRESPONSE);
    for (Entry e : entries) {
      BundleEntryComponent entry = out.addEntry();
      Bundle.BundleEntryResponseComponent response = entry.getResponse();
      response.setStatus(Responses.statusLine(e.status));
      StoredVersion v = e.version;
      if (v != null) {
        if (e.method != HTTPVerb.GET) {
          response.setLocation(v.key().reference() + "/_history/" + v.versionId());
        }
        response.setEtag("W/\"" + v.versionId() + "\"");
        response.setLastModified(java.util.Date.from(v.lastUpdated()));
        if (e.json != null && (representation || e.method == HTTPVerb.GET)) {
          try {
            entry.setResource(StoredJson.parse(v, e.json));
          } catch (FhirException unreadable) {
            // Written around the API: this entry says so, the transaction's writes stand.
            if (e.method == HTTPVerb.GET) {
              response.setStatus(Responses.statusLine(unreadable.status()));
            }
            response.setOutcome(OperationOutcomes.outcome(IssueSeverity.ERROR, unreadable.issueType(),
                unreadable.getMessage()));
          }
        }
      }
    }
    return out;
  }
}
