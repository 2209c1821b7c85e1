package io.fwoa.server.auth;

/**
 * Decides whether a caller may perform an interaction. Role-based access ({@link RbacAuthorizer})
 * is the default; the SMART on FHIR scope authorizer plugs in here.
 */
public interface Authorizer {

  /**
   * @param type the resource type, or null for system-level interactions
   * @throws io.fwoa.server.api.FhirException with status 403 when the caller may not
   */
  void authorize(Principal principal, Interaction interaction, String type);
}
