package io.fwoa.server.auth;

import io.fwoa.server.api.ApiRequest;

/** Establishes the caller from a request. */
public interface Authenticator {

  /**
   * @return the verified caller
   * @throws io.fwoa.server.api.FhirException with status 401 when the request carries no valid
   *     credentials
   */
  Principal authenticate(ApiRequest request);

  /** Loads what verification needs (keys) ahead of the first request, e.g. before a snapshot. */
  default void warmUp() {}
}
