package io.fwoa.server.auth.smart;

import io.fwoa.server.auth.smart.SmartScope.Context;
import io.fwoa.server.auth.smart.SmartScope.Permission;
import io.fwoa.server.search.query.GranularMatch;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the resource scopes of an access token: SMART v1 ({@code patient/*.read},
 * {@code user/Observation.write}, {@code system/*.*}) and v2 ({@code patient/Observation.rs},
 * granular {@code patient/Observation.rs?category=laboratory}). Scopes that are not resource
 * scopes ({@code openid}, {@code fhirUser}, {@code launch/patient}, {@code offline_access}, ...)
 * grant no data access and are skipped; resource scopes that are malformed or name an unknown type
 * are skipped and reported, never an error: a token with one bad scope keeps its good ones.
 */
public final class SmartScopes {

  /** Most scopes read from one token; the rest are reported as ignored. */
  public static final int MAX_SCOPES = 200;
  /** Longest scope read (a granular scope's query included). */
  public static final int MAX_SCOPE_LENGTH = 512;

  private static final Pattern RESOURCE_SCOPE =
      Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)(?:\\?(.*))?");
  private static final Set<String> NON_RESOURCE = Set.of("openid", "fhirUser", "profile", "launch", "offline_access",
      "online_access", "email", "phone", "address");

  /**
   * The scopes read, and those skipped with the reason.
   *
   * @param scopes the resource scopes, in the token's order, without duplicates
   * @param ignored each skipped resource scope and why (for a warning); non-resource scopes are not listed
   */
  public record Parsed(List<SmartScope> scopes, List<String> ignored) {}

  private SmartScopes() {}

  /**
   * @param scopes the token's scopes ({@code scope} split at spaces, or {@code scp})
   * @param knownType whether a name is a FHIR resource type this server serves
   */
  public static Parsed parse(List<String> scopes, Predicate<String> knownType) {
    Map<String, SmartScope> out = new LinkedHashMap<>(); // by text: a repeated scope counts once
    List<String> ignored = new ArrayList<>();
    int read = 0;
    for (String scope : scopes) {
      if (scope == null || scope.isEmpty() || NON_RESOURCE.contains(scope) || scope.startsWith("launch/")) {
        continue;
      }
      if (++read > MAX_SCOPES) {
        ignored.add(shorten(scope) + ": more than " + MAX_SCOPES + " scopes in one token");
        continue;
      }
      String problem = null;
      SmartScope parsed = null;
      if (scope.length() > MAX_SCOPE_LENGTH) {
        problem = "longer than " + MAX_SCOPE_LENGTH + " characters";
      } else {
        Matcher m = RESOURCE_SCOPE.matcher(scope);
        if (!m.matches()) {
          problem = "not a SMART resource scope (<patient|user|system>/<type or *>.<permissions>)";
        } else if (!m.group(2).equals("*") && !knownType.test(m.group(2))) {
          problem = "'" + m.group(2) + "' is not a resource type";
        } else {
          Set<Permission> permissions = permissions(m.group(3));
          if (permissions == null) {
            problem = "'" + m.group(3) + "' is neither read, write, * (v1) nor permissions in the order cruds (v2)";
          } else if (m.group(4) != null && !isV2(m.group(3))) {
            problem = "only v2 scopes (cruds) may have a query";
          } else {
            List<Map.Entry<String, String>> query = m.group(4) == null ? List.of() : query(m.group(4));
            if (query == null) {
              problem = "the query '" + m.group(4) + "' is not name=value pairs joined by &";
            } else if (!query.isEmpty() && m.group(2).equals("*")) {
              problem = "a query needs a resource type, not *";
            } else if (!query.isEmpty() && GranularMatch.unsupported(m.group(2), query) != null) {
              problem = GranularMatch.unsupported(m.group(2), query);
            } else {
              parsed = new SmartScope(context(m.group(1)), m.group(2), permissions, query, scope);
            }
          }
        }
      }
      if (parsed != null) {
        out.putIfAbsent(scope, parsed);
      } else {
        ignored.add(shorten(scope) + ": " + problem);
      }
    }
    return new Parsed(List.copyOf(out.values()), List.copyOf(ignored));
  }

  /** Splits a {@code scope} claim (space-separated) as OAuth 2.0 defines it. */
  public static List<String> split(String scopeClaim) {
    List<String> out = new ArrayList<>();
    if (scopeClaim != null) {
      for (String s : scopeClaim.split(" ")) {
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static Context context(String prefix) {
    return switch (prefix) {
      case "patient" -> Context.PATIENT;
      case "user" -> Context.USER;
      default -> Context.SYSTEM;
    };
  }

  private static boolean isV2(String permissions) {
    return !permissions.equals("read") && !permissions.equals("write") && !permissions.equals("*");
  }

  /** v1 words or v2 letters; null if neither. */
  private static Set<Permission> permissions(String text) {
    switch (text) {
      case "read":
        return EnumSet.of(Permission.READ, Permission.SEARCH);
      case "write":
        return EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
      case "*":
        return EnumSet.allOf(Permission.class);
      default:
        break;
    }
    EnumSet<Permission> out = EnumSet.noneOf(Permission.class);
    int next = 0; // letters must follow c, r, u, d, s, each at most once
    Permission[] order = Permission.values();
    for (char c : text.toCharArray()) {
      while (next < order.length && order[next].letter() != c) {
        next++;
      }
      if (next == order.length) {
        return null;
      }
      out.add(order[next++]);
    }
    return out.isEmpty() ? null : out;
  }

  private static List<Map.Entry<String, String>> query(String query) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        return null;
      }
      try {
        out.add(Map.entry(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException badEscape) {
        return null;
      }
    }
    return out;
  }

  private static String shorten(String scope) {
    return scope.length() <= 80 ? scope : scope.substring(0, 80) + "...";
  }
}
