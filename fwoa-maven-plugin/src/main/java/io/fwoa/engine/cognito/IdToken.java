package io.fwoa.engine.cognito;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The ID token Cognito issued, with the claims the goal reports. The API Gateway Cognito authorizer
 * of a fwoa deployment (no OAuth scopes on its methods) accepts the ID token, not the access token,
 * as {@code Authorization: Bearer}. The claims are read for display only; the FHIR API verifies the
 * signature.
 *
 * @param value the compact JWT
 * @param expiresAt the {@code exp} claim
 * @param groups the {@code cognito:groups} claim (empty when the user is in no group)
 * @param username the {@code cognito:username} claim
 * @param tenantId the {@code custom:tenantId} claim, or null
 */
public record IdToken(String value, Instant expiresAt, List<String> groups, String username, String tenantId) {

  public IdToken {
    groups = List.copyOf(groups);
  }

  public static IdToken parse(String jwt) {
    try {
      JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      List<String> groups = claims.getStringListClaim("cognito:groups");
      return new IdToken(jwt, exp == null ? null : exp.toInstant(), groups == null ? List.of() : groups,
          claims.getStringClaim("cognito:username"), claims.getStringClaim("custom:tenantId"));
    } catch (ParseException e) {
      throw new IllegalStateException("Cognito returned an ID token that is not a signed JWT: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    // Keeps the token out of accidental logging of the record.
    return "IdToken[username=" + username + ", groups=" + groups + ", expiresAt=" + expiresAt + "]";
  }
}
