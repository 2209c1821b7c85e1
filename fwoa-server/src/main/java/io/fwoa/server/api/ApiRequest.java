package io.fwoa.server.api;

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
 * @param queryParameters single-valued query parameters
 * @param body request body, or null
 * @param baseUrl absolute base URL of the FHIR API as the client addressed it, or null if unknown
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> headers,
    Map<String, String> queryParameters,
    String body,
    String baseUrl) {

  public ApiRequest {
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    path = normalizePath(path);
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      h.putAll(headers);
    }
    headers = h;
    queryParameters = queryParameters == null ? Map.of() : Map.copyOf(queryParameters);
  }

  public String header(String name) {
    return headers.get(name);
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
