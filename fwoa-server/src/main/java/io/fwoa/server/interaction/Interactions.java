package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.Interaction;
import io.fwoa.server.auth.Reach;
import io.fwoa.server.binary.BinaryStore;
import io.fwoa.server.conditional.ConditionalResolver;
import io.fwoa.server.conditional.SearchCriteria;
import io.fwoa.server.fhir.Identifiers;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionConflictException;
import io.fwoa.server.storage.VersionWrite;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR instance and type interactions: what each means for versions in storage. Requests
 * arrive parsed; responses leave as stored versions plus the JSON to serve.
 */
public final class Interactions {

  /** Retries of a write without If-Match that lost a race (another writer took the version). */
  private static final int WRITE_ATTEMPTS = 25;

  private final ResourceStore store;
  private final ConditionalResolver resolver;
  private final Binaries binaries;
  private final Clock clock;
  private final ReferentialIntegrity integrity;
  /** How far the caller's access reaches (everything, unless {@link #restrictedTo}). */
  private final Reach reach;

  /**
   * @param binaries where Binary content goes, or null to keep it inside the resource
   */
  public Interactions(ResourceStore store, ConditionalResolver resolver, BinaryStore binaries, Clock clock) {
    this(store, resolver, binaries, clock, false);
  }

  /**
   * @param binaries where Binary content goes, or null to keep it inside the resource
   * @param enforceReferentialIntegrity written resources may refer only to existing resources
   *     (ENFORCE_REFERENTIAL_INTEGRITY)
   */
  public Interactions(ResourceStore store, ConditionalResolver resolver, BinaryStore binaries, Clock clock,
      boolean enforceReferentialIntegrity) {
    this.store = store;
    this.resolver = resolver;
    this.binaries = new Binaries(binaries, store);
    this.clock = clock;
    this.integrity = enforceReferentialIntegrity ? new ReferentialIntegrity(store) : null;
    this.reach = Reach.ALL;
  }

  private Interactions(Interactions shared, Reach reach) {
    this.store = shared.store;
    this.resolver = new ReachResolver(shared.resolver, shared.store, reach);
    this.binaries = shared.binaries;
    this.clock = shared.clock;
    this.integrity = shared.integrity;
    this.reach = reach;
  }

  /**
   * The same interactions for a caller whose access reaches only some resources: reads of others
   * are 404s, writes that start or end outside the reach are 403s, history leaves others out, and
   * conditions match only what the caller can see.
   */
  public Interactions restrictedTo(Reach reach) {
    return reach.unrestricted() ? this : new Interactions(this, reach);
  }

  Reach reach() {
    return reach;
  }

  /**
   * The outcome of an interaction.
   *
   * @param status HTTP status
   * @param version the version read or written (null when nothing was found or written)
   * @param json the resource to serve, or null
   */
  public record Result(int status, StoredVersion version, String json) {}

  public ResourceStore store() {
    return store;
  }

  public ConditionalResolver resolver() {
    return resolver;
  }

  Binaries binaries() {
    return binaries;
  }

  /** The referential integrity check, or null when it is off. */
  ReferentialIntegrity integrity() {
    return integrity;
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  // ------------------------------------------------------------------ reads

  public Result read(String tenant, String type, String id) {
    Resources.checkId(id);
    StoredVersion v = store.current(new ResourceKey(tenant, type, id))
        .orElseThrow(() -> FhirException.notFound("Resource " + type + "/" + id + " is not known"));
    if (v.deleted()) {
      throw new FhirException(410, org.hl7.fhir.r4.model.OperationOutcome.IssueType.DELETED,
          "Resource " + type + "/" + id + " was deleted (version " + v.versionId() + ")",
          java.util.Map.of("ETag", "W/\"" + v.versionId() + "\""));
    }
    String json = binaries.present(v, false);
    if (!reaches(Interaction.READ, v, json)) {
      throw FhirException.notFound("Resource " + type + "/" + id + " is not known");
    }
    return new Result(200, v, json);
  }

  public Result vread(String tenant, String type, String id, String versionId) {
    Resources.checkId(id);
    long vid = parseVersion(versionId);
    StoredVersion v = store.version(new ResourceKey(tenant, type, id), vid)
        .orElseThrow(() -> FhirException.notFound("Version " + versionId + " of " + type + "/" + id + " is not known"));
    if (v.deleted()) {
      throw FhirException.gone("Version " + versionId + " of " + type + "/" + id + " is a deletion");
    }
    String json = binaries.present(v, false);
    if (!reaches(Interaction.VREAD, v, json)) {
      throw FhirException.notFound("Version " + versionId + " of " + type + "/" + id + " is not known");
    }
    return new Result(200, v, json);
  }

  public HistoryPage history(HistoryQuery query) {
    if (query.id() != null) {
      Resources.checkId(query.id());
      if (store.current(new ResourceKey(query.tenant(), query.type(), query.id())).isEmpty()) {
        throw FhirException.notFound("Resource " + query.type() + "/" + query.id() + " is not known");
      }
    }
    HistoryPage page = store.history(query);
    if (reach.unrestricted()) {
      return page;
    }
    // Only versions the caller reaches; deletions carry no content to decide by, so they are left out.
    Interaction interaction = query.id() != null ? Interaction.HISTORY_INSTANCE
        : query.type() != null ? Interaction.HISTORY_TYPE : Interaction.HISTORY_SYSTEM;
    List<StoredVersion> visible = new ArrayList<>();
    for (StoredVersion v : page.versions()) {
      if (!v.deleted() && reaches(interaction, v, v.json())) {
        visible.add(v);
      }
    }
    if (query.id() != null && visible.isEmpty() && query.pageToken() == null) {
      throw FhirException.notFound("Resource " + query.type() + "/" + query.id() + " is not known");
    }
    return new HistoryPage(visible, page.nextPageToken());
  }

  /** Whether the caller's reach for the interaction includes this stored version (unreadable: no). */
  boolean reaches(Interaction interaction, StoredVersion v, String json) {
    if (reach.unrestricted()) {
      return true;
    }
    try {
      return json != null && reach.permits(interaction, StoredJson.parse(v, json));
    } catch (FhirException unreadable) {
      return false;
    }
  }

  /**
   * A write's checks against the caller's reach: the current version (if any) and the new content
   * must both be within it.
   *
   * @throws FhirException 403 naming what is out of reach
   */
  void checkWrite(Interaction interaction, StoredVersion current, Resource next, String where) {
    if (reach.unrestricted()) {
      return;
    }
    if (current != null && !current.deleted() && !reaches(interaction, current, current.json())) {
      throw FhirException.forbidden(where + current.key().reference() + " is outside what this token reaches ("
          + reach.describe() + ")");
    }
    if (next != null && !reach.permits(interaction, next)) {
      throw FhirException.forbidden(where + "the " + next.fhirType() + " would be outside what this token reaches ("
          + reach.describe() + "): a token may only write resources it could read back");
    }
  }

  // ------------------------------------------------------------------ create

  /** @param caller this server's base as the caller addressed it, and the caller's tenant */
  public Result create(ServerBase caller, String type, Resource resource, String ifNoneExist) {
    String tenant = caller.tenant();
    String id = UUID.randomUUID().toString();
    boolean conditional = ifNoneExist != null && !ifNoneExist.isBlank();
    if (conditional) {
      SearchCriteria criteria = SearchCriteria.parse(conditionQuery(ifNoneExist));
      Set<String> matches = resolver.resolve(tenant, type, criteria);
      if (matches.size() > 1) {
        throw FhirException.preconditionFailed("If-None-Exist '" + ifNoneExist + "' matches " + matches.size()
            + " resources");
      }
      if (matches.size() == 1) {
        StoredVersion existing = store.current(new ResourceKey(tenant, type, matches.iterator().next())).orElseThrow();
        return new Result(200, existing, binaries.present(existing, false));
      }
      // Between the search above and the write below another client may create the same resource
      // (and in the cloud the search index trails the table). Every create under one condition
      // therefore tries the same id, derived from the condition: one wins, the others get its
      // resource back.
      id = conditionalId(tenant, type, criteria);
    }
    ResourceKey key = new ResourceKey(tenant, type, id);
    checkWrite(Interaction.CREATE, null, resource, "");
    checkReferences(caller, resource, key);
    StoredVersion v = newVersion(key, resource, 1, "POST");
    try {
      store.write(new VersionWrite(v, Identifiers.values(resource), !conditional));
    } catch (VersionConflictException e) {
      if (!conditional) {
        throw FhirException.conflict("Generated id collided; retry the create");
      }
      Optional<StoredVersion> winner = store.current(key);
      if (winner.isPresent() && !winner.get().deleted() && winner.get().versionId() == 1) {
        return new Result(200, winner.get(), binaries.present(winner.get(), false));
      }
      // An earlier resource made under this condition has since been changed or deleted, and the
      // search says it no longer matches: this one gets a fresh id.
      return create(caller, type, resource, null);
    }
    return new Result(201, v, binaries.present(v, true));
  }

  /** The id every create under this condition tries first: a name-based UUID of the condition. */
  static String conditionalId(String tenant, String type, SearchCriteria criteria) {
    List<String> parameters = new ArrayList<>();
    criteria.parameters().forEach(p -> parameters.add(p.getKey() + "=" + p.getValue()));
    Collections.sort(parameters);
    String name = (tenant == null ? "" : tenant) + "\n" + type + "\n" + String.join("&", parameters);
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x80); // version 8 (custom), RFC 9562
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer b = ByteBuffer.wrap(hash);
    return new UUID(b.getLong(), b.getLong()).toString();
  }

  // ------------------------------------------------------------------ update

  public Result update(ServerBase caller, String type, String id, Resource resource, String ifMatch) {
    Resources.checkId(id);
    String bodyId = Resources.bodyId(resource);
    if (bodyId == null) {
      throw FhirException.badRequest("An update needs the resource id in the body (id '" + id + "')");
    }
    if (!bodyId.equals(id)) {
      throw FhirException.badRequest("The body's id '" + bodyId + "' does not match the URL's id '" + id + "'");
    }
    return write(caller, new ResourceKey(caller.tenant(), type, id), ifMatch, current -> resource, "PUT");
  }

  public Result conditionalUpdate(ServerBase caller, String type, SearchCriteria criteria, Resource resource,
      String ifMatch) {
    Set<String> matches = resolver.resolve(caller.tenant(), type, criteria);
    String bodyId = Resources.bodyId(resource);
    if (matches.size() > 1) {
      throw FhirException.preconditionFailed("The condition '" + criteria + "' matches " + matches.size()
          + " resources");
    }
    if (matches.isEmpty()) {
      if (bodyId != null) {
        return update(caller, type, bodyId, resource, ifMatch);
      }
      return create(caller, type, resource, null);
    }
    String id = matches.iterator().next();
    if (bodyId != null && !bodyId.equals(id)) {
      throw FhirException.badRequest("The body's id '" + bodyId + "' does not match the resource the condition found ('"
          + id + "')");
    }
    resource.setId(id);
    return update(caller, type, id, resource, ifMatch);
  }

  // ------------------------------------------------------------------ patch

  public Result patch(ServerBase caller, String type, String id, String patchDocument, String ifMatch) {
    Resources.checkId(id);
    JsonPatch patch = JsonPatch.parse(patchDocument);
    return write(caller, new ResourceKey(caller.tenant(), type, id), ifMatch, current -> {
      if (current == null || current.deleted()) {
        throw current == null ? FhirException.notFound("Resource " + type + "/" + id + " is not known")
            : FhirException.gone("Resource " + type + "/" + id + " was deleted");
      }
      return applyPatch(patch, current, type, id);
    }, "PATCH");
  }

  public Result conditionalPatch(ServerBase caller, String type, SearchCriteria criteria, String patchDocument,
      String ifMatch) {
    Set<String> matches = resolver.resolve(caller.tenant(), type, criteria);
    if (matches.size() != 1) {
      throw matches.isEmpty() ? FhirException.notFound("The condition '" + criteria + "' matches no resource")
          : FhirException.preconditionFailed("The condition '" + criteria + "' matches " + matches.size()
              + " resources");
    }
    return patch(caller, type, matches.iterator().next(), patchDocument, ifMatch);
  }

  static Resource applyPatch(JsonPatch patch, StoredVersion current, String type, String id) {
    String patched = patch.apply(current.json());
    Resource resource;
    try {
      resource = Resources.parse(patched, type);
    } catch (FhirException e) {
      throw FhirException.unprocessable("The patched resource is not valid: " + e.getMessage());
    }
    if (!id.equals(Resources.bodyId(resource))) {
      throw FhirException.unprocessable("A patch may not change the resource id");
    }
    return resource;
  }

  // ------------------------------------------------------------------ delete

  public Result delete(String tenant, String type, String id, String ifMatch) {
    Resources.checkId(id);
    ResourceKey key = new ResourceKey(tenant, type, id);
    for (int attempt = 0; ; attempt++) {
      Optional<StoredVersion> current = store.current(key);
      if (current.isEmpty()) {
        throw FhirException.notFound("Resource " + type + "/" + id + " is not known");
      }
      checkIfMatch(ifMatch, current.get(), key);
      if (current.get().deleted()) {
        return new Result(204, current.get(), null);
      }
      checkWrite(Interaction.DELETE, current.get(), null, "");
      StoredVersion tombstone = new StoredVersion(key, current.get().versionId() + 1, now(), true, null, "DELETE", null);
      try {
        store.write(new VersionWrite(tombstone, Set.of(), false));
        return new Result(204, tombstone, null);
      } catch (VersionConflictException e) {
        retryOrFail(ifMatch, key, attempt);
      }
    }
  }

  public Result conditionalDelete(String tenant, String type, SearchCriteria criteria) {
    Set<String> matches = resolver.resolve(tenant, type, criteria);
    if (matches.size() > 1) {
      throw FhirException.preconditionFailed("The condition '" + criteria + "' matches " + matches.size()
          + " resources; conditional delete removes at most one");
    }
    if (matches.isEmpty()) {
      return new Result(204, null, null);
    }
    return delete(tenant, type, matches.iterator().next(), null);
  }

  // ------------------------------------------------------------------ shared

  @FunctionalInterface
  interface NextContent {
    /** The resource of the next version, given the current one (null if none). */
    Resource of(StoredVersion current);
  }

  private Result write(ServerBase caller, ResourceKey key, String ifMatch, NextContent content, String method) {
    Resource checked = null;
    for (int attempt = 0; ; attempt++) {
      StoredVersion current = store.current(key).orElse(null);
      if (ifMatch != null) {
        checkIfMatch(ifMatch, current, key);
      }
      Resource resource = content.of(current);
      checkWrite(method.equals("PATCH") ? Interaction.PATCH : Interaction.UPDATE, current, resource, "");
      if (resource != checked) {
        checkReferences(caller, resource, key);
        checked = resource;
      }
      long vid = current == null ? 1 : current.versionId() + 1;
      boolean created = current == null || current.deleted();
      StoredVersion v = newVersion(key, resource, vid, method);
      try {
        store.write(new VersionWrite(v, Identifiers.values(resource), false));
        return new Result(created ? 201 : 200, v, binaries.present(v, true));
      } catch (VersionConflictException e) {
        retryOrFail(ifMatch, key, attempt);
      }
    }
  }

  /** With ENFORCE_REFERENTIAL_INTEGRITY: the resource refers only to existing resources (or itself). */
  private void checkReferences(ServerBase caller, Resource resource, ResourceKey key) {
    if (integrity != null) {
      integrity.check(caller, List.of(new ReferentialIntegrity.Written("", resource)), Set.of(key), Set.of());
    }
  }

  StoredVersion newVersion(ResourceKey key, Resource resource, long vid, String method) {
    Instant now = now();
    String contentKey = binaries.beforeWrite(resource, key, vid);
    String json = Resources.stamp(resource, key, vid, now);
    return new StoredVersion(key, vid, now, false, json, method, contentKey);
  }

  private static void retryOrFail(String ifMatch, ResourceKey key, int attempt) {
    if (ifMatch != null) {
      throw FhirException.preconditionFailed("Version conflict: " + key.reference()
          + " was changed concurrently; If-Match " + ifMatch + " no longer matches");
    }
    if (attempt + 1 >= WRITE_ATTEMPTS) {
      throw FhirException.conflict(key.reference() + " is being changed by other requests (or a transaction); retry");
    }
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(2, 10 + attempt * 10));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw FhirException.conflict("Interrupted while retrying a conflicting write");
    }
  }

  /** Checks an If-Match header (W/"n", "n" or n) against the current version. */
  static void checkIfMatch(String ifMatch, StoredVersion current, ResourceKey key) {
    if (ifMatch == null) {
      return;
    }
    String expected = parseETag(ifMatch);
    if (current == null) {
      throw FhirException.preconditionFailed("If-Match " + ifMatch + ": " + key.reference() + " does not exist");
    }
    if (!expected.equals(Long.toString(current.versionId()))) {
      throw FhirException.preconditionFailed("If-Match " + ifMatch + " does not match the current version "
          + current.versionId() + " of " + key.reference());
    }
  }

  static String parseETag(String etag) {
    String v = etag.trim();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    if (!v.matches("[0-9]{1,18}")) {
      throw FhirException.badRequest("Invalid ETag '" + etag + "': expected W/\"<versionId>\"");
    }
    return Long.toString(Long.parseLong(v));
  }

  static long parseVersion(String versionId) {
    if (versionId == null || !versionId.matches("[0-9]{1,18}")) {
      throw FhirException.notFound("Version '" + versionId + "' is not known");
    }
    return Long.parseLong(versionId);
  }

  /** The query part of a condition: "identifier=x", "Patient?identifier=x" or a full URL. */
  static String conditionQuery(String condition) {
    int q = condition.indexOf('?');
    return q < 0 ? condition.trim() : condition.substring(q + 1).trim();
  }
}
