package io.fwoa.server.storage;

import java.util.Set;

/**
 * A new version to store. Its version number must be free: writing claims the slot, so two
 * writers that read the same current version cannot both succeed (no lost update).
 *
 * @param version the version to write
 * @param identifierValues values of the resource's identifiers, for the conditional-operation
 *     index (may be empty)
 * @param freshId true when the server generated the logical id just now (a create): no other writer
 *     can know the key, so the write may skip its existence check
 */
public record VersionWrite(StoredVersion version, Set<String> identifierValues, boolean freshId) {

  public VersionWrite {
    identifierValues = identifierValues == null ? Set.of() : Set.copyOf(identifierValues);
  }

  public ResourceKey key() {
    return version.key();
  }
}
