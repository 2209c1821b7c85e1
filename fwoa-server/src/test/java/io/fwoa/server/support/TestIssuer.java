package io.fwoa.server.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.SmartSettings;
import io.fwoa.server.local.LocalFhirServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A SMART authorization server reduced to what a resource server sees of it: an RS256 key, its
 * JWKS served over HTTP on 127.0.0.1 at {@code <api>/keys} (as FWoA's OAuth2 API layout), and
 * signed access tokens with chosen claims. Tests that are about the FHIR server's enforcement use
 * it; the flows themselves are tested against fwoa:run's authorization server.
 */
public final class TestIssuer implements AutoCloseable {

  public static final String ISSUER = "https://issuer.fwoa.test";

  private final RSAKey key;
  private final HttpServer jwks;

  public TestIssuer() {
    try {
      key = new RSAKeyGenerator(2048).keyID("k1").generate();
      jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext("/keys", x -> {
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    jwks.start();
  }

  /** OAUTH2_API_ENDPOINT: its /keys is the JWKS. */
  public String apiEndpoint() {
    return "http://127.0.0.1:" + jwks.getAddress().getPort();
  }

  public RSAKey key() {
    return key;
  }

  /** A local stack that trusts this issuer, with further settings. */
  public LocalFhirServer startServer(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put(ServerConfig.OAUTH2_API_ENDPOINT, apiEndpoint());
    env.put(SmartSettings.ISSUER_ENDPOINT, ISSUER);
    LocalFhirServer.Options d = LocalFhirServer.Options.inMemory();
    return LocalFhirServer.start(new LocalFhirServer.Options(d.dataDirectory(), d.port(), d.cacheDirectory(),
        d.clean(), env, d.log()));
  }

  /** Claims of a valid token for {@code audience}: issuer, subject, expiry in 10 minutes. */
  public static JWTClaimsSet.Builder claims(String audience) {
    return new JWTClaimsSet.Builder().issuer(ISSUER).subject("user-1").audience(audience)
        .expirationTime(new Date(System.currentTimeMillis() + 600_000));
  }

  /** A token with the scopes, patient and fhirUser given (null: no such claim). */
  public String token(String audience, String scope, String patient, String fhirUser) {
    return sign(key, claims(audience).claim("scope", scope).claim("patient", patient).claim("fhirUser", fhirUser)
        .build());
  }

  /** A token from {@link #claims}, changed by {@code custom}. */
  public String token(String audience, Consumer<JWTClaimsSet.Builder> custom) {
    JWTClaimsSet.Builder b = claims(audience);
    custom.accept(b);
    return sign(key, b.build());
  }

  public static String sign(RSAKey signingKey, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(),
          claims);
      jwt.sign(new RSASSASigner(signingKey));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    jwks.stop(0);
  }
}
