package io.fwoa.server.auth.smart;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One SMART on FHIR resource scope, v1 or v2, as the SMART App Launch IG 2.x defines them:
 * {@code <context>/<type>.<permissions>[?<query>]}.
 *
 * @param context whose data the scope reaches: the patient in context, the user's, or any (backend)
 * @param resourceType a FHIR resource type, or {@code *} for every type
 * @param permissions what the scope allows (v1 {@code read} is read and search, {@code write} is
 *     create, update and delete)
 * @param query for v2 granular scopes, the search parameters every resource must match (in order;
 *     empty for other scopes)
 * @param text the scope as the token carried it
 */
public record SmartScope(Context context, String resourceType, Set<Permission> permissions,
    List<Map.Entry<String, String>> query, String text) {

  public SmartScope {
    permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    query = List.copyOf(query);
  }

  /** The prefix of a resource scope. */
  public enum Context {
    PATIENT("patient"),
    USER("user"),
    SYSTEM("system");

    private final String prefix;

    Context(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  /** SMART v2 permissions, in the order a scope must list them. */
  public enum Permission {
    CREATE('c'),
    READ('r'),
    UPDATE('u'),
    DELETE('d'),
    SEARCH('s');

    private final char letter;

    Permission(char letter) {
      this.letter = letter;
    }

    public char letter() {
      return letter;
    }
  }

  public boolean allows(Permission p) {
    return permissions.contains(p);
  }

  /** Whether the scope covers resources of {@code type}. */
  public boolean covers(String type) {
    return resourceType.equals("*") || resourceType.equals(type);
  }

  public boolean granular() {
    return !query.isEmpty();
  }
}
