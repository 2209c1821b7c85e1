package io.fwoa.engine.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.fwoa.server.local.LocalLog;
import io.fwoa.server.local.NodeProcess;
import io.fwoa.server.local.NpmPackages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeDataType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AliasAttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.SchemaAttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.StringAttributeConstraintsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.VerifiedAttributeType;

/**
 * cognito-local (the npm package, from fwoa-server's lock file, installed with npm ci on first use)
 * on a free 127.0.0.1 port in a fresh working directory, with the goals' Cognito client pointed at
 * it the way a user would: the SDK's {@code aws.endpointUrlCognitoIdentityProvider} setting (the
 * system property twin of AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER) plus dummy credentials.
 * Creates user pools shaped like the ones fwoa-constructs deploys, and verifies tokens against the
 * pool's JWKS.
 */
public final class CognitoEmulator implements AutoCloseable {

  private static final List<String> PROPERTIES = List.of("aws.endpointUrlCognitoIdentityProvider", "aws.accessKeyId",
      "aws.secretAccessKey");

  private final NodeProcess process;
  private final CognitoIdentityProviderClient admin;
  private final Map<String, String> saved = new HashMap<>();

  private CognitoEmulator(NodeProcess process) {
    this.process = process;
    this.admin = CognitoIdentityProviderClient.builder()
        .endpointOverride(URI.create(process.endpoint()))
        .region(Region.US_WEST_2)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
    }
    System.setProperty("aws.endpointUrlCognitoIdentityProvider", process.endpoint());
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
  }

  /** Installs (once per lock file) and starts cognito-local with its data in {@code workDir}. */
  public static CognitoEmulator start(Path workDir) {
    Path modules = NpmPackages.install(CognitoEmulator.class.getClassLoader(), "io/fwoa/server/local/emulators",
        "emulators", NpmPackages.defaultCacheDirectory(), LocalLog.SILENT);
    try {
      // cognito-local makes email the username of every pool unless told otherwise; AWS (and fwoa's
      // pools, which use email as a sign-in alias) have plain usernames.
      Files.createDirectories(workDir.resolve(".cognito"));
      Files.writeString(workDir.resolve(".cognito/config.json"), "{\"UserPoolDefaults\":{\"UsernameAttributes\":[]}}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int port = NodeProcess.freePort();
    NodeProcess process = NodeProcess.start("cognito-local", modules.resolve("cognito-local/lib/bin/start.js"), List.of(),
        workDir, Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(port)), workDir.resolve("cognito-local.log"), port);
    return new CognitoEmulator(process);
  }

  public String endpoint() {
    return process.endpoint();
  }

  /** An administrator's client (test set-up and assertions). */
  public CognitoIdentityProviderClient admin() {
    return admin;
  }

  /** Ids of a pool and its app client. */
  public record Pool(String poolId, String clientId) {}

  /**
   * A pool like FhirService's: admin-create only, email required and a sign-in alias (auto-verified),
   * custom tenantId and cc_confirmed, the password policy of FhirService.passwordPolicy(), the three
   * FWoA groups and a public client with USER_PASSWORD_AUTH and FhirService's read and write attributes.
   */
  public Pool servicePool() {
    Pool pool = pool("fhir-service-dev", true);
    for (String group : List.of("practitioner", "non-practitioner", "auditor")) {
      admin.createGroup(r -> r.userPoolId(pool.poolId()).groupName(group));
    }
    return pool;
  }

  /** A pool like FhirSearch's Dashboards pool: the same, without custom attributes and groups. */
  public Pool dashboardsPool() {
    return pool("fhir-service-dev-dashboards", false);
  }

  private Pool pool(String name, boolean customAttributes) {
    List<SchemaAttributeType> schema = new java.util.ArrayList<>();
    schema.add(SchemaAttributeType.builder().name("email").attributeDataType(AttributeDataType.STRING).required(true)
        .mutable(true).build());
    if (customAttributes) {
      schema.add(SchemaAttributeType.builder().name("tenantId").attributeDataType(AttributeDataType.STRING).mutable(true)
          .stringAttributeConstraints(StringAttributeConstraintsType.builder().maxLength("64").build()).build());
      schema.add(SchemaAttributeType.builder().name("cc_confirmed").attributeDataType(AttributeDataType.STRING)
          .mutable(true).build());
    }
    String poolId = admin.createUserPool(r -> r.poolName(name)
        .aliasAttributes(AliasAttributeType.EMAIL)
        .autoVerifiedAttributes(VerifiedAttributeType.EMAIL)
        .adminCreateUserConfig(c -> c.allowAdminCreateUserOnly(true))
        .policies(p -> p.passwordPolicy(pp -> pp.minimumLength(8).requireUppercase(true).requireLowercase(true)
            .requireNumbers(true).requireSymbols(true).temporaryPasswordValidityDays(3)))
        .schema(schema)).userPool().id();
    String clientId = admin.createUserPoolClient(r -> {
      r.userPoolId(poolId).clientName(name + "-client")
          .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH, ExplicitAuthFlowsType.ALLOW_REFRESH_TOKEN_AUTH);
      if (customAttributes) {
        // FhirService's app client: users may write their email only (custom:tenantId is for admins).
        r.writeAttributes("email").readAttributes("custom:tenantId", "email", "email_verified");
      }
    }).userPoolClient().clientId();
    return new Pool(poolId, clientId);
  }

  /** Signs in with USER_PASSWORD_AUTH and returns the ID token (throws the SDK exception Cognito answers with). */
  public String signIn(Pool pool, String username, String password) {
    return admin.initiateAuth(r -> r.clientId(pool.clientId()).authFlow(AuthFlowType.USER_PASSWORD_AUTH)
        .authParameters(Map.of("USERNAME", username, "PASSWORD", password))).authenticationResult().idToken();
  }

  /**
   * Verifies a token as the FHIR API does: RS256 signature against the pool's JWKS
   * ({@code /<poolId>/.well-known/jwks.json}), expiry; returns its claims.
   */
  public JWTClaimsSet verify(Pool pool, String token) {
    try {
      HttpResponse<String> jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(endpoint() + "/" + pool.poolId() + "/.well-known/jwks.json")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (jwks.statusCode() != 200) {
        throw new IllegalStateException("JWKS: HTTP " + jwks.statusCode());
      }
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
          new ImmutableJWKSet<>(JWKSet.parse(jwks.body()))));
      return processor.process(token, null);
    } catch (Exception e) {
      throw new IllegalStateException("Token does not verify against the JWKS of " + pool.poolId() + ": " + e, e);
    }
  }

  @Override
  public void close() {
    admin.close();
    process.close();
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }
}
