package io.fwoa.server.search.opensearch;

/** OpenSearch could not be reached or failed: a server-side problem (503 to clients). */
public class SearchUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SearchUnavailableException(String message) {
    super(message);
  }

  public SearchUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
