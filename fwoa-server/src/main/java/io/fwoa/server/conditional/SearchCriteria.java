package io.fwoa.server.conditional;

import io.fwoa.server.api.FhirException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The search parameters of a conditional operation (If-None-Exist, conditional update/delete/
 * patch, conditional references), in order. Parameters are ANDed; a comma inside a value ORs.
 *
 * @param parameters name/value pairs, URL-decoded
 */
public record SearchCriteria(List<Map.Entry<String, String>> parameters) {

  public SearchCriteria {
    parameters = List.copyOf(parameters);
  }

  /** Parses "a=b&amp;c=d" (an optional leading "Type?" is the caller's business). */
  public static SearchCriteria parse(String query) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (query != null && !query.isBlank()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw FhirException.badRequest("Invalid search parameter '" + pair + "' in condition '" + query + "'");
        }
        out.add(Map.entry(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1))));
      }
    }
    return new SearchCriteria(out);
  }

  /** From already-decoded query parameters; parameters that only steer the response are dropped. */
  public static SearchCriteria of(Map<String, List<String>> query) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    query.forEach((name, values) -> {
      if (!name.equals("_format") && !name.equals("_pretty")) {
        values.forEach(v -> out.add(Map.entry(name, v)));
      }
    });
    return new SearchCriteria(out);
  }

  public boolean isEmpty() {
    return parameters.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> p : parameters) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(p.getKey()).append('=').append(p.getValue());
    }
    return b.toString();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest("Invalid URL encoding in '" + s + "'");
    }
  }
}
