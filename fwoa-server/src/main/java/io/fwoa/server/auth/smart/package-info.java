/**
 * SMART on FHIR authorization: verifying access tokens from the configured issuer ({@link
 * io.fwoa.server.auth.smart.SmartTokenVerifier}, {@link io.fwoa.server.auth.smart.SmartAuthenticator}),
 * reading their scopes ({@link io.fwoa.server.auth.smart.SmartScopes}), deciding which scopes allow
 * an interaction ({@link io.fwoa.server.auth.smart.SmartGrants}, {@link
 * io.fwoa.server.auth.smart.SmartAuthorizer}) and which resources they reach ({@link
 * io.fwoa.server.auth.smart.SmartReach}: a patient's compartment, {@link
 * io.fwoa.server.auth.smart.PatientCompartment}, and granular queries).
 */
package io.fwoa.server.auth.smart;
