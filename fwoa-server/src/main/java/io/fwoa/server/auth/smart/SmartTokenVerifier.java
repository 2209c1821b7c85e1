package io.fwoa.server.auth.smart;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.fwoa.server.api.FhirException;
import java.net.URL;
import java.text.ParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies SMART on FHIR access tokens: signed JWTs from one issuer, checked against the issuer's
 * JWKS (cached; fetched again, at most once per {@link #JWKS_REFRESH_MILLIS}, when a token names a
 * key id the cache does not hold, so key rotation needs no restart and a flood of made-up key ids
 * cannot make the function hammer the issuer). Only RS256 and ES256 signatures count: unsigned
 * tokens ({@code alg: none}) and HMAC tokens (which could be signed with the public key) are
 * refused. The issuer must match exactly, the audience must include the API's base URL (or a
 * configured audience), and
 * {@code exp} is required; {@code exp} and {@code nbf} get {@link #MAX_CLOCK_SKEW_SECONDS} of
 * leeway. Every failure is a 401 with {@code WWW-Authenticate: Bearer}, except that the issuer's
 * keys being unreachable is a 503 (the token may well be good).
 */
public final class SmartTokenVerifier {

  /** Leeway for {@code exp} and {@code nbf}, for clock differences between issuer and function. */
  public static final int MAX_CLOCK_SKEW_SECONDS = 10;
  /** Least time between two JWKS fetches caused by unknown key ids. */
  public static final long JWKS_REFRESH_MILLIS = 30_000;
  /** How long fetched keys are used before they are fetched again anyway. */
  public static final long JWKS_TTL_MILLIS = 60 * 60 * 1000L;

  private static final Logger LOG = LoggerFactory.getLogger(SmartTokenVerifier.class);
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  private final String issuer;
  private final String patientClaim;
  private final String fhirUserClaim;
  private final String tenantClaim;
  private final Predicate<String> knownType;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  /**
   * @param issuer the exact {@code iss} of accepted tokens
   * @param keys the issuer's keys (see {@link #remoteKeys})
   * @param patientClaim the claim, or dotted path into nested claims, holding the patient in
   *     context (SMART: {@code patient})
   * @param fhirUserClaim the claim holding the user's FHIR reference (SMART: {@code fhirUser})
   * @param tenantClaim the claim holding the tenant, or null without multi-tenancy
   * @param knownType whether a name is a resource type the server serves (for scopes)
   */
  public SmartTokenVerifier(String issuer, JWKSource<SecurityContext> keys, String patientClaim,
      String fhirUserClaim, String tenantClaim, Predicate<String> knownType) {
    this.issuer = issuer;
    this.patientClaim = patientClaim;
    this.fhirUserClaim = fhirUserClaim;
    this.tenantClaim = tenantClaim;
    this.knownType = knownType;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    // The audience is checked per request (the base URL the request addressed), see verify.
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>((String) null,
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "aud"));
    claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** The issuer's JWKS at {@code jwksUri}: cached, refreshed on an unknown key id at most every 30 s. */
  public static JWKSource<SecurityContext> remoteKeys(URL jwksUri) {
    return JWKSourceBuilder.<SecurityContext>create(jwksUri)
        .cache(JWKS_TTL_MILLIS, 15_000L)
        .rateLimited(JWKS_REFRESH_MILLIS)
        .retrying(true)
        .build();
  }

  public String issuer() {
    return issuer;
  }

  /**
   * @param authorization the request's {@code Authorization} header, or null
   * @param audiences the values one of which {@code aud} must contain
   * @return what the token grants
   * @throws FhirException 401 when there is no valid token
   */
  public SmartToken verify(String authorization, Collection<String> audiences) {
    if (authorization == null || authorization.isBlank()) {
      throw FhirException.unauthorized("Unauthorized: send a SMART access token as 'Authorization: Bearer <token>'");
    }
    String token = authorization.trim();
    if (!token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw FhirException.unauthorized("Unauthorized: the Authorization header must be 'Bearer <token>'");
    }
    token = token.substring(7).trim();
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw FhirException.unauthorized("Unauthorized: the bearer token is not a signed JWT");
    } catch (BadJWTException e) {
      throw FhirException.unauthorized("Unauthorized: " + e.getMessage());
    } catch (BadJOSEException e) {
      throw FhirException.unauthorized("Unauthorized: the token is not signed (RS256 or ES256) by a key of " + issuer);
    } catch (RateLimitReachedException e) {
      // An unknown key id while the keys were fetched moments ago: not a key the issuer publishes.
      throw FhirException.unauthorized("Unauthorized: the token is not signed (RS256 or ES256) by a key of " + issuer);
    } catch (KeySourceException e) {
      throw new FhirException(503, IssueType.TRANSIENT, "The keys of the token issuer " + issuer
          + " could not be fetched to verify the token: " + e.getMessage());
    } catch (JOSEException e) {
      throw FhirException.unauthorized("Unauthorized: the token could not be verified (" + e.getMessage() + ")");
    }
    if (claims.getAudience().stream().noneMatch(a -> audiences.contains(withoutSlash(a)))) {
      throw FhirException.unauthorized("Unauthorized: the token's audience " + claims.getAudience()
          + " does not include this server (" + String.join(", ", audiences) + ")");
    }
    try {
      SmartScopes.Parsed scopes = SmartScopes.parse(scopes(claims), knownType);
      if (!scopes.ignored().isEmpty()) {
        LOG.warn("Token of {} has scopes that grant nothing: {}", claims.getSubject(), scopes.ignored());
      }
      String clientId = claims.getStringClaim("client_id");
      if (clientId == null) {
        clientId = claims.getStringClaim("azp");
      }
      return new SmartToken(claims.getSubject(), clientId, scopes.scopes(), scopes.ignored(),
          patientId(path(claims, patientClaim)), path(claims, fhirUserClaim),
          tenantClaim == null ? null : path(claims, tenantClaim));
    } catch (ParseException e) {
      throw FhirException.unauthorized("Unauthorized: malformed claims (" + e.getMessage() + ")");
    }
  }

  /** A string claim by name, or by dotted path into nested claims (ext.launch_context.patient). */
  static String path(JWTClaimsSet claims, String path) throws ParseException {
    if (claims.getClaim(path) != null || !path.contains(".")) {
      return claims.getStringClaim(path);
    }
    Object node = claims.getClaims();
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(part);
    }
    if (node != null && !(node instanceof String)) {
      throw new ParseException("the claim " + path + " is not a string", 0);
    }
    return (String) node;
  }

  private static String withoutSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The patient claim as an id (some servers send a reference, {@code Patient/123}). */
  private static String patientId(String claim) {
    return claim != null && claim.startsWith("Patient/") ? claim.substring("Patient/".length()) : claim;
  }

  /** {@code scope} (space-separated) or {@code scp} (an array, or a string as some servers send). */
  private static List<String> scopes(JWTClaimsSet claims) throws ParseException {
    Object scope = claims.getClaim("scope");
    if (scope instanceof String s) {
      return SmartScopes.split(s);
    }
    if (scope != null) {
      return claims.getStringListClaim("scope");
    }
    Object scp = claims.getClaim("scp");
    if (scp instanceof String s) {
      return SmartScopes.split(s);
    }
    if (scp != null) {
      return claims.getStringListClaim("scp");
    }
    return List.of();
  }
}
