package io.fwoa.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.api.FhirException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies Amazon Cognito tokens (ID or access token) from the {@code Authorization: Bearer}
 * header: RS256 signature against the user pool's JWKS (fetched once, cached, refreshed when an
 * unknown key id appears), issuer, expiry, token use, and audience (ID token) or client id (access
 * token). Expired tokens are accepted for at most {@link #MAX_CLOCK_SKEW_SECONDS} after their expiry.
 */
public final class CognitoAuthenticator implements Authenticator {

  /**
   * How long after its expiry a token is still accepted, for clock differences between Cognito and
   * the function (both on AWS's synchronized clocks). The library's default is 60 s.
   */
  public static final int MAX_CLOCK_SKEW_SECONDS = 10;

  private final String issuer;
  private final String clientId;
  private final ConfigurableJWTProcessor<SecurityContext> processor;
  private final JWKSource<SecurityContext> keys;

  /**
   * @param issuer the user pool's issuer, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc
   * @param clientId the app client whose tokens are accepted
   */
  public CognitoAuthenticator(String issuer, String clientId) {
    this(issuer, clientId, remoteKeys(issuer));
  }

  /** With the pool's keys from elsewhere (tests sign their own tokens). */
  CognitoAuthenticator(String issuer, String clientId, JWKSource<SecurityContext> keys) {
    this.issuer = issuer;
    this.clientId = clientId;
    this.keys = keys;
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat", "token_use"));
    claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
    p.setJWTClaimsSetVerifier(claims);
    this.processor = p;
  }

  private static JWKSource<SecurityContext> remoteKeys(String issuer) {
    URL jwks;
    try {
      jwks = URI.create(issuer + "/.well-known/jwks.json").toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid Cognito issuer URL '" + issuer + "'", e);
    }
    return JWKSourceBuilder.<SecurityContext>create(jwks)
        .cache(24 * 60 * 60 * 1000L, 15_000L)
        .rateLimited(30_000L)
        .retrying(true)
        .build();
  }

  /** Fetches the pool's JWKS into the cache (a SnapStart snapshot then holds the keys). */
  @Override
  public void warmUp() {
    try {
      keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
    } catch (KeySourceException e) {
      // Not reachable now: the first request fetches the keys.
    }
  }

  public String issuer() {
    return issuer;
  }

  @Override
  public Principal authenticate(ApiRequest request) {
    String header = request.header("Authorization");
    if (header == null || header.isBlank()) {
      throw FhirException.unauthorized("Unauthorized: send a Cognito token as 'Authorization: Bearer <token>'");
    }
    String token = header.trim();
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).trim();
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw FhirException.unauthorized("Unauthorized: the bearer token is not a JWT");
    } catch (BadJWTException e) {
      throw FhirException.unauthorized("Unauthorized: " + e.getMessage());
    } catch (BadJOSEException e) {
      throw FhirException.unauthorized("Unauthorized: the token signature is not valid for this user pool");
    } catch (JOSEException e) {
      throw FhirException.unauthorized("Unauthorized: the token could not be verified (" + e.getMessage() + ")");
    }
    try {
      String use = claims.getStringClaim("token_use");
      if ("id".equals(use)) {
        if (claims.getAudience() == null || !claims.getAudience().contains(clientId)) {
          throw FhirException.unauthorized("Unauthorized: the token was issued to another client");
        }
      } else if ("access".equals(use)) {
        if (!clientId.equals(claims.getStringClaim("client_id"))) {
          throw FhirException.unauthorized("Unauthorized: the token was issued to another client");
        }
      } else {
        throw FhirException.unauthorized("Unauthorized: token_use must be 'id' or 'access'");
      }
      List<String> groups = claims.getStringListClaim("cognito:groups");
      String username = claims.getStringClaim("cognito:username");
      if (username == null) {
        username = claims.getStringClaim("username");
      }
      return new Principal(claims.getSubject(), username, groups == null ? Set.of() : new HashSet<>(groups),
          claims.getStringClaim(Tenants.CLAIM), use);
    } catch (ParseException e) {
      throw FhirException.unauthorized("Unauthorized: malformed claims (" + e.getMessage() + ")");
    }
  }
}
