package io.fwoa.server.search.params;

import io.fwoa.server.fhir.Fhir;
import java.util.Set;

/** Parsing of reference strings: relative, absolute, versioned, or not resource references. */
public final class References {

  private static final Set<String> TYPES = Set.copyOf(Fhir.context().getResourceTypes());

  private References() {}

  /**
   * The parts of a reference to a resource.
   *
   * @param base the base URL of an absolute reference, or null for a relative one
   * @param type the resource type
   * @param id the logical id
   */
  public record Parsed(String base, String type, String id) {
    public String relative() {
      return type + "/" + id;
    }
  }

  public static boolean isResourceType(String type) {
    return TYPES.contains(type);
  }

  /**
   * Parses "Type/id", "Type/id/_history/v", or "http://base/Type/id[/_history/v]"; null for
   * anything else (contained "#x", "urn:uuid:...", logical URLs).
   */
  public static Parsed parse(String reference) {
    if (reference == null || reference.isEmpty() || reference.startsWith("#") || reference.startsWith("urn:")) {
      return null;
    }
    String r = reference;
    int q = r.indexOf('?');
    if (q >= 0) {
      return null;
    }
    String[] parts = r.split("/");
    int n = parts.length;
    int typeIndex;
    if (n >= 4 && parts[n - 2].equals("_history")) {
      typeIndex = n - 4;
    } else {
      typeIndex = n - 2;
    }
    if (typeIndex < 0 || !TYPES.contains(parts[typeIndex]) || parts[typeIndex + 1].isEmpty()) {
      return null;
    }
    String base = null;
    if (typeIndex > 0) {
      if (!r.contains("://")) {
        return null;
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < typeIndex; i++) {
        if (i > 0) {
          b.append('/');
        }
        b.append(parts[i]);
      }
      base = b.toString();
    }
    return new Parsed(base, parts[typeIndex], parts[typeIndex + 1]);
  }

  /** The resource type a reference names, or null. */
  public static String typeOf(String reference) {
    Parsed p = parse(reference);
    return p == null ? null : p.type();
  }
}
