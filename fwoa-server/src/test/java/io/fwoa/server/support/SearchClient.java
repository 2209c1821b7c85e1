package io.fwoa.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.local.LocalFhirServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Search requests as a client sends them, scoped to the resources one test class created: every
 * resource it creates carries the class's own tag, and every search adds {@code _tag}, so classes
 * sharing the local stack never see each other's data.
 */
public final class SearchClient {

  public static final ObjectMapper JSON = new ObjectMapper();

  private final LocalFhirServer server;
  private final String token;
  public final String tagSystem = "urn:fwoa:test";
  public final String tag = UUID.randomUUID().toString();
  /** Label given by the test → logical id the server assigned. */
  private final Map<String, String> ids = new LinkedHashMap<>();

  public SearchClient(LocalFhirServer server, String user) {
    this.server = server;
    this.token = server.token(user);
  }

  public String token() {
    return token;
  }

  public String base() {
    return server.baseUrl();
  }

  /** Creates a resource (JSON without meta), tagged for this client, and remembers its id under a label. */
  public String create(String label, String json) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode r = (com.fasterxml.jackson.databind.node.ObjectNode) JSON
          .readTree(json);
      com.fasterxml.jackson.databind.node.ObjectNode tagNode = r.putObject("meta").putArray("tag").addObject();
      tagNode.put("system", tagSystem).put("code", tag);
      HttpResponse<String> res = Http.send("POST", base() + "/" + r.get("resourceType").asText(), token,
          "application/fhir+json", r.toString());
      if (res.statusCode() != 201) {
        throw new IllegalStateException("Create failed: " + res.statusCode() + " " + res.body());
      }
      String id = JSON.readTree(res.body()).get("id").asText();
      if (label != null) {
        ids.put(label, id);
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String id(String label) {
    String id = ids.get(label);
    if (id == null) {
      throw new IllegalArgumentException("No resource labelled " + label);
    }
    return id;
  }

  /** The label of an id (for readable assertions). */
  public String label(String id) {
    return ids.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).findFirst()
        .orElse(id);
  }

  /** GET [base]/{path}?{query}&_tag=...; query values are encoded here (give them raw). */
  public HttpResponse<String> get(String path, String query, Map<String, String> headers) {
    return Http.send("GET", base() + path + "?" + encode(query) + "&_tag=" + enc(tagSystem + "|" + tag), token, null,
        null, headers);
  }

  /** The match entries' labels, for a search expected to succeed (all in one page). */
  public List<String> matches(String path, String query) {
    JsonNode bundle = bundle(get(path, query + "&_count=500", Map.of()));
    List<String> out = new ArrayList<>();
    for (JsonNode e : bundle.path("entry")) {
      if ("match".equals(e.path("search").path("mode").asText())) {
        out.add(label(e.path("resource").path("id").asText()));
      }
    }
    return out;
  }

  public static JsonNode bundle(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException("Search failed: " + r.statusCode() + " " + r.body());
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes each value of a raw "a=b&c=d" query. */
  public static String encode(String query) {
    StringBuilder b = new StringBuilder();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(pair, 0, eq + 1).append(enc(pair.substring(eq + 1)));
    }
    return b.toString();
  }

  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
