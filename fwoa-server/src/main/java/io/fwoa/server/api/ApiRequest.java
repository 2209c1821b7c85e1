package io.fwoa.server.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as the FHIR layer sees it, independent of where it came from (API Gateway proxy
 * event or the local HTTP runner). Header names are case-insensitive.
 *
 * @param method upper-case HTTP method
 * @param path path relative to the FHIR base, starting with '/', without the API Gateway stage
 * @param headers request headers
 * @param queryParameters query parameters in request order, each with all its values
 * @param body request body, or null
 * @param baseUrl absolute base URL of the FHIR API as the client addressed it, or null if unknown
 * @param base64Body true when {@code body} is base64 of non-text content (a raw Binary upload)
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> headers,
    Map<String, List<String>> queryParameters,
    String body,
    String baseUrl,
    boolean base64Body) {

  public ApiRequest(String method, String path, Map<String, String> headers, Map<String, List<String>> queryParameters,
      String body, String baseUrl) {
    this(method, path, headers, queryParameters, body, baseUrl, false);
  }

  public ApiRequest {
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    path = normalizePath(path);
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach((k, v) -> {
        if (k != null && v != null) {
          h.put(k, v);
        }
      });
    }
    headers = Collections.unmodifiableMap(h);
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (queryParameters != null) {
      queryParameters.forEach((k, v) -> q.put(k, List.copyOf(v)));
    }
    queryParameters = Collections.unmodifiableMap(q);
  }

  public String header(String name) {
    return headers.get(name);
  }

  /** The first value of a query parameter, or null. */
  public String query(String name) {
    List<String> values = queryParameters.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Single-valued view, as API Gateway's queryStringParameters. */
  public static Map<String, List<String>> single(Map<String, String> parameters) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (parameters != null) {
      parameters.forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }
    return out;
  }

  private static String normalizePath(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    String p = path.startsWith("/") ? path : "/" + path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
