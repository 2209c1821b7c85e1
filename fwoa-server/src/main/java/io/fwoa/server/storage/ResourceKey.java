package io.fwoa.server.storage;

import java.util.Objects;

/**
 * Identifies a resource: its tenant (null unless multi-tenancy is on), type and logical id.
 *
 * @param tenant tenant id, or null
 * @param type FHIR resource type
 * @param id logical id
 */
public record ResourceKey(String tenant, String type, String id) {

  public ResourceKey {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
  }

  public static ResourceKey of(String tenant, String type, String id) {
    return new ResourceKey(tenant, type, id);
  }

  /** "Type/id", the relative reference FHIR uses. */
  public String reference() {
    return type + "/" + id;
  }

  @Override
  public String toString() {
    return (tenant == null ? "" : tenant + "|") + reference();
  }
}
