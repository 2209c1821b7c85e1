/**
 * SMART on FHIR authorization: verifying access tokens from the configured issuer ({@link
 * io.fwoa.server.auth.smart.SmartTokenVerifier}), reading their scopes ({@link
 * io.fwoa.server.auth.smart.SmartScopes}) and deciding which scopes allow an interaction ({@link
 * io.fwoa.server.auth.smart.SmartGrants}) and whether a resource is in a patient's compartment
 * ({@link io.fwoa.server.auth.smart.PatientCompartment}).
 *
 * <p>Not yet wired into the server: until compartment and granular-scope enforcement exist on
 * every path, a SMART deployment keeps refusing every request (see {@code ServerFactory}) rather
 * than accept tokens whose limits it could not hold.
 */
package io.fwoa.server.auth.smart;
