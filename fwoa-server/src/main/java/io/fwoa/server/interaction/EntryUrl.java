package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.conditional.SearchCriteria;
import io.fwoa.server.fhir.Fhir;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The request URL of a bundle entry, relative to the base: {@code Type}, {@code Type/id},
 * {@code Type/id/_history/vid}, {@code Type?criteria}; absolute URLs only under this server's base
 * for the caller's tenant ({@link ServerBase}).
 *
 * @param type resource type (null for system-level)
 * @param id logical id, or null
 * @param versionId version, or null
 * @param history true for a {@code _history} URL without version
 * @param query the query string, or null
 */
record EntryUrl(String type, String id, String versionId, boolean history, String query) {

  /**
   * @param base this server's base and the caller's tenant: an absolute URL must be under it
   * @throws FhirException 400 for an unreadable URL, or an absolute one of another server or tenant
   */
  static EntryUrl parse(String url, ServerBase base) {
    if (url == null || url.isBlank()) {
      throw FhirException.badRequest("A bundle entry needs request.url");
    }
    String path = base.relative(url.trim());
    String query = null;
    int q = path.indexOf('?');
    if (q >= 0) {
      query = path.substring(q + 1);
      path = path.substring(0, q);
    }
    List<String> segments = new ArrayList<>(Arrays.asList(path.split("/")));
    segments.removeIf(String::isEmpty);
    if (segments.isEmpty()) {
      return new EntryUrl(null, null, null, false, query);
    }
    String type = segments.get(0);
    if (!Fhir.context().getResourceTypes().contains(type)) {
      throw FhirException.badRequest("Unknown resource type '" + type + "' in request URL '" + url + "'");
    }
    if (segments.size() == 1) {
      return new EntryUrl(type, null, null, false, query);
    }
    if (segments.size() == 2 && segments.get(1).equals("_history")) {
      return new EntryUrl(type, null, null, true, query);
    }
    String id = segments.get(1);
    if (segments.size() == 2) {
      return new EntryUrl(type, id, null, false, query);
    }
    if (segments.get(2).equals("_history")) {
      if (segments.size() == 3) {
        return new EntryUrl(type, id, null, true, query);
      }
      if (segments.size() == 4) {
        return new EntryUrl(type, id, segments.get(3), false, query);
      }
    }
    throw FhirException.badRequest("Unsupported request URL '" + url + "' in a bundle entry");
  }

  boolean conditional() {
    return id == null && query != null && !query.isBlank();
  }

  SearchCriteria criteria() {
    return SearchCriteria.parse(query);
  }
}
