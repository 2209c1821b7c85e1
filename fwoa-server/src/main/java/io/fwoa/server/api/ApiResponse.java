package io.fwoa.server.api;

import java.util.Map;

/** An HTTP response produced by the FHIR layer (body null for an empty response). */
public record ApiResponse(int status, Map<String, String> headers, String body) {

  public ApiResponse {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
