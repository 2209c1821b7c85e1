package io.fwoa.server.storage;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Versioned JSON documents. Storage knows keys, versions and documents; FHIR semantics (what a
 * resource means, references, conditions) live in the interaction layer.
 */
public interface ResourceStore {

  /** The newest committed version (a tombstone if the resource was deleted), if any. */
  Optional<StoredVersion> current(ResourceKey key);

  /** One committed version. */
  Optional<StoredVersion> version(ResourceKey key, long versionId);

  /**
   * Writes one version atomically.
   *
   * @throws VersionConflictException if the version number is already taken or held by a
   *     transaction in progress
   */
  void write(VersionWrite write) throws VersionConflictException;

  /**
   * Writes every version or none (all-or-nothing), even when the process dies half-way: see the
   * protocol in {@link io.fwoa.server.storage.dynamo}.
   *
   * @throws VersionConflictException if any version slot is taken; nothing is then written
   */
  void writeAll(List<VersionWrite> writes) throws VersionConflictException;

  /** A page of history, newest first. */
  HistoryPage history(HistoryQuery query);

  /**
   * Logical ids of resources of the type that had an identifier with this value when written.
   * Candidates only: the caller checks the current version (entries are never missing, but may be
   * stale).
   */
  Set<String> idsWithIdentifierValue(String tenant, String type, String value);

  /** Finishes or rolls back transactions abandoned by crashed writers; returns how many. */
  int recoverAbandonedTransactions();
}
