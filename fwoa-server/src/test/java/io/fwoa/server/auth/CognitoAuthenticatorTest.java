package io.fwoa.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.api.FhirException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token checks that need tokens Cognito would not issue on demand (expired by a chosen amount):
 * the tokens are signed here with a key the authenticator is given as the pool's JWKS.
 */
class CognitoAuthenticatorTest {

  private static final String ISSUER = "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_Test";
  private static final String CLIENT = "client-1";

  private static RSAKey key;
  private static CognitoAuthenticator authenticator;

  @BeforeAll
  static void keys() throws JOSEException {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    authenticator = new CognitoAuthenticator(ISSUER, CLIENT, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())));
  }

  private static String idToken(Instant expiry) throws JOSEException {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER).subject("user-1").audience(CLIENT)
        .issueTime(Date.from(expiry.minusSeconds(3600))).expirationTime(Date.from(expiry))
        .claim("token_use", "id").claim("cognito:username", "alice").claim("cognito:groups", List.of("practitioner"))
        .claim("custom:tenantId", "t1")
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static Principal authenticate(String token) {
    return authenticator.authenticate(new ApiRequest("GET", "/Patient", Map.of("Authorization", "Bearer " + token),
        Map.of(), null, null));
  }

  @Test
  void aTokenExpiredLongerThanTheSkewIsRefused() throws JOSEException {
    // The README promises at most 30 s (the library's default would accept a minute); and fwoa's own bound.
    for (long seconds : new long[] {31, CognitoAuthenticator.MAX_CLOCK_SKEW_SECONDS + 3}) {
      String token = idToken(Instant.now().minusSeconds(seconds));

      assertThatThrownBy(() -> authenticate(token)).as("expired %d s ago", seconds)
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(401))
          .hasMessageContaining("Expired JWT");
    }
  }

  @Test
  void aTokenExpiredWithinTheSkewIsAccepted() throws JOSEException {
    Principal p = authenticate(idToken(Instant.now().minusSeconds(CognitoAuthenticator.MAX_CLOCK_SKEW_SECONDS - 7)));

    assertThat(p.username()).isEqualTo("alice");
    assertThat(p.groups()).containsExactly("practitioner");
    assertThat(p.tenant()).isEqualTo("t1");
    assertThat(p.tokenUse()).isEqualTo("id");
  }
}
