package io.fwoa.server.auth.smart;

import java.util.List;

/**
 * What a verified SMART access token grants.
 *
 * @param subject the token's {@code sub}
 * @param clientId the client the token was issued to ({@code client_id}, else {@code azp}), or null
 * @param scopes the resource scopes read from {@code scope} or {@code scp}
 * @param ignoredScopes resource scopes skipped as malformed, with the reason (for a warning)
 * @param patient the id of the patient in context (the launch context claim), or null
 * @param fhirUser the {@code fhirUser} claim (e.g. {@code Practitioner/123}), or null
 * @param tenant the tenant claim, or null
 */
public record SmartToken(String subject, String clientId, List<SmartScope> scopes, List<String> ignoredScopes,
    String patient, String fhirUser, String tenant) {

  public SmartToken {
    scopes = List.copyOf(scopes);
    ignoredScopes = List.copyOf(ignoredScopes);
  }
}
