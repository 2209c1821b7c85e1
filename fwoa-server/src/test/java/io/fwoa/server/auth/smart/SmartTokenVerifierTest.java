package io.fwoa.server.auth.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.fwoa.server.api.FhirException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signature, algorithm, issuer, audience and time checks of SMART access tokens, and what they grant. */
class SmartTokenVerifierTest {

  private static final String ISSUER = "https://auth.example.org/realms/fhir";
  private static final String AUDIENCE = "https://fhir.example.org/prod";
  private static final Set<String> TYPES = Set.of("Patient", "Observation");

  private static RSAKey rsa;
  private static ECKey ec;
  private static RSAKey rotated;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
  }

  /** A verifier whose issuer serves {@code published} (changeable), counting fetches. */
  private static SmartTokenVerifier verifier(AtomicReference<JWKSet> published, AtomicInteger fetches)
      throws Exception {
    URL jwks = URI.create(ISSUER + "/jwks").toURL();
    var keys = JWKSourceBuilder.create(jwks, url -> {
      fetches.incrementAndGet();
      return new Resource(published.get().toPublicJWKSet().toString(), "application/json");
    }).cache(SmartTokenVerifier.JWKS_TTL_MILLIS, 15_000L).rateLimited(SmartTokenVerifier.JWKS_REFRESH_MILLIS).build();
    return new SmartTokenVerifier(ISSUER, keys, "patient", "fhirUser", null, TYPES::contains);
  }

  private static SmartTokenVerifier verifier() throws Exception {
    return verifier(new AtomicReference<>(new JWKSet(List.of(rsa, ec))), new AtomicInteger());
  }

  private static JWTClaimsSet.Builder claims() {
    long now = System.currentTimeMillis();
    return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("user-1")
        .expirationTime(new Date(now + 300_000)).issueTime(new Date(now)).claim("scope", "openid patient/*.rs");
  }

  private static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return "Bearer " + jwt.serialize();
  }

  private static String rs256(Consumer<JWTClaimsSet.Builder> change) throws Exception {
    JWTClaimsSet.Builder b = claims();
    change.accept(b);
    return rs256(rsa, b.build());
  }

  private static void refused(SmartTokenVerifier v, String header, String reason) {
    assertThatThrownBy(() -> verify(v, header)).isInstanceOf(FhirException.class)
        .satisfies(e -> {
          FhirException f = (FhirException) e;
          assertThat(f.status()).isEqualTo(401);
          assertThat(f.headers()).containsEntry("WWW-Authenticate", "Bearer");
        })
        .hasMessageContaining(reason);
  }

  @Test
  void acceptsRs256AndEs256TokensAndReadsWhatTheyGrant() throws Exception {
    SmartTokenVerifier v = verifier();
    SmartToken t = verify(v, rs256(b -> b.claim("patient", "p-7").claim("fhirUser", "Patient/p-7")
        .claim("client_id", "app-1").claim("scope", "openid launch/patient patient/Observation.rs patient/Foo.rs")));
    assertThat(t.subject()).isEqualTo("user-1");
    assertThat(t.clientId()).isEqualTo("app-1");
    assertThat(t.patient()).isEqualTo("p-7");
    assertThat(t.fhirUser()).isEqualTo("Patient/p-7");
    assertThat(t.scopes()).extracting(SmartScope::text).containsExactly("patient/Observation.rs");
    assertThat(t.ignoredScopes()).singleElement().asString().startsWith("patient/Foo.rs");

    SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
        claims().claim("scope", null).claim("scp", List.of("system/*.rs")).claim("patient", "Patient/p-9").build());
    es.sign(new ECDSASigner(ec));
    SmartToken system = verify(v, "Bearer " + es.serialize());
    assertThat(system.scopes()).extracting(SmartScope::text).containsExactly("system/*.rs");
    assertThat(system.patient()).isEqualTo("p-9");
  }

  @Test
  void refusesTokensFromAnotherIssuerForAnotherAudienceOrOutOfTime() throws Exception {
    SmartTokenVerifier v = verifier();
    long now = System.currentTimeMillis();
    refused(v, rs256(b -> b.issuer(ISSUER + "/other")), "iss");
    refused(v, rs256(b -> b.audience("https://fhir.example.org/test")), "aud");
    refused(v, rs256(b -> b.audience((String) null)), "aud");
    refused(v, rs256(b -> b.expirationTime(new Date(now - 30_000))), "Expired");
    refused(v, rs256(b -> b.expirationTime(null)), "exp");
    refused(v, rs256(b -> b.notBeforeTime(new Date(now + 60_000))), "before use time");
    refused(v, rs256(b -> b.subject(null)), "sub");
    // Within the leeway: accepted.
    assertThat(verify(v, rs256(b -> b.expirationTime(new Date(now - 3_000)))).subject()).isEqualTo("user-1");
  }

  @Test
  void refusesUnsignedHmacForeignAndTamperedTokens() throws Exception {
    SmartTokenVerifier v = verifier();
    refused(v, "Bearer " + new PlainJWT(claims().build()).serialize(), "not signed");

    // HS256 with the issuer's public key as the secret: the classic algorithm confusion attack.
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
    hmac.sign(new MACSigner(rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
    refused(v, "Bearer " + hmac.serialize(), "not signed (RS256 or ES256)");

    RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, other key
    refused(v, rs256(stranger, claims().build()), "not signed");

    String good = rs256(b -> { });
    String[] parts = good.substring(7).split("\\.");
    String widened = Base64URL.encode(claims().claim("scope", "system/*.cruds").build().toString()).toString();
    refused(v, "Bearer " + parts[0] + "." + widened + "." + parts[2], "not signed");

    refused(v, null, "Bearer <token>");
    refused(v, "Basic dXNlcjpwYXNz", "Bearer <token>");
    refused(v, "Bearer not.a.jwt", "not a signed JWT");
  }

  @Test
  void fetchesTheKeysAgainForAnUnknownKeyIdButNotForEveryOne() throws Exception {
    AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(rsa));
    AtomicInteger fetches = new AtomicInteger();
    SmartTokenVerifier v = verifier(published, fetches);
    verify(v, rs256(b -> { }));
    assertThat(fetches).hasValue(1);

    // The issuer rotates its key: the first token with the new key id makes one fetch, and passes.
    published.set(new JWKSet(List.of(rsa, rotated)));
    assertThat(verify(v, rs256(rotated, claims().build())).subject()).isEqualTo("user-1");
    int afterRotation = fetches.get();
    assertThat(afterRotation).isEqualTo(2);

    // Made-up key ids do not make a fetch each (rate limited).
    for (int i = 0; i < 20; i++) {
      refused(v, rs256(new RSAKey.Builder(rotated).keyID("made-up-" + i).build(), claims().build()), "not signed");
    }
    assertThat(fetches.get()).isLessThanOrEqualTo(afterRotation + 1);
  }

  @Test
  void anUnreachableIssuerIsA503NotA401() throws Exception {
    URL jwks = URI.create(ISSUER + "/jwks").toURL();
    var down = JWKSourceBuilder.create(jwks, url -> {
      throw new java.io.IOException("connection refused");
    }).retrying(false).build();
    SmartTokenVerifier v = new SmartTokenVerifier(ISSUER, down, "patient", "fhirUser", null, TYPES::contains);
    assertThatThrownBy(() -> verify(v, rs256(b -> { }))).isInstanceOf(FhirException.class)
        .satisfies(e -> assertThat(((FhirException) e).status()).isEqualTo(503))
        .hasMessageContaining("could not be fetched");
  }

  private static SmartToken verify(SmartTokenVerifier v, String header) {
    return v.verify(header, java.util.List.of(AUDIENCE));
  }
}
