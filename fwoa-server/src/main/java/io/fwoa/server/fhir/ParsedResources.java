package io.fwoa.server.fhir;

import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * The resources this thread has just encoded for storage, by the JSON they were encoded to.
 * fwoa:run indexes a request's writes on the request's own thread before it answers, so its
 * indexer can take the resource instead of parsing the same JSON back (about a seventh of an
 * ingest's request-thread CPU). Only the local server turns this on, and it forgets everything after each
 * request; in the cloud the indexer runs in another function and always parses.
 *
 * <p>Resources are remembered when they are stamped for storage, the last change made to them. A
 * resource stamped again (a retry after a version conflict) changes only under JSON that was
 * never stored, so every stored JSON maps to a resource that says exactly what it says. Lookups
 * compare the text, so a document compressed and decompressed on its way is still found.
 */
public final class ParsedResources {

  /** Most resources a thread remembers (a transaction's worth; beyond that it starts afresh). */
  static final int MAX = 1_000;

  private static volatile boolean enabled;
  private static final ThreadLocal<Map<String, Resource>> RECENT = ThreadLocal.withInitial(HashMap::new);

  private ParsedResources() {}

  /** Turns remembering on for this process (the local server). */
  public static void enable() {
    enabled = true;
  }

  /** Remembers what {@code json} was just encoded from (when enabled). */
  public static void remember(String json, Resource resource) {
    if (!enabled) {
      return;
    }
    Map<String, Resource> recent = RECENT.get();
    if (recent.size() >= MAX) {
      recent.clear();
    }
    recent.put(json, resource);
  }

  /** The resource {@code json} was encoded from on this thread, or else {@code json} parsed. */
  public static Resource parse(String json) {
    if (enabled) {
      Resource known = RECENT.get().remove(json);
      if (known != null) {
        return known;
      }
    }
    return (Resource) Fhir.jsonParser().parseResource(json);
  }

  /** Forgets this thread's resources (after each request). */
  public static void clear() {
    RECENT.remove();
  }
}
