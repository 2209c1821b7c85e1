package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cognito token validation (401) and FWoA's group-based access (403), as OperationOutcomes. */
@ExtendWith(LocalStack.class)
class AuthorizationTest {

  private LocalFhirServer server;
  private String patientUrl;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    this.server = server;
    HttpResponse<String> created = Http.send("POST", server.baseUrl() + "/Patient", server.token("practitioner"),
        "application/fhir+json", "{\"resourceType\":\"Patient\",\"active\":true}");
    this.patientUrl = server.baseUrl() + "/Patient/"
        + Fhir.jsonParser().parseResource(Patient.class, created.body()).getIdElement().getIdPart();
  }

  @Test
  void metadataNeedsNoToken() {
    assertThat(Http.send("GET", server.baseUrl() + "/metadata", null, null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void missingOrInvalidTokensAre401() throws Exception {
    HttpResponse<String> none = Http.send("GET", patientUrl, null, null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(issue(none).getCode()).isEqualTo(OperationOutcome.IssueType.LOGIN);

    assertThat(Http.send("GET", patientUrl, "not-a-jwt", null, null).statusCode()).isEqualTo(401);

    String valid = server.token("practitioner");
    String tampered = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertThat(Http.send("GET", patientUrl, tampered, null, null).statusCode()).isEqualTo(401);

    RSAKey cognitoKey = cognitoLocalKey();
    String issuer = server.config().cognitoIssuerUrl().orElseThrow();
    String client = server.config().userPoolClientId().orElseThrow();
    Date now = new Date();
    Date past = new Date(now.getTime() - 3_600_000);

    HttpResponse<String> expired = Http.send("GET", patientUrl,
        sign(cognitoKey, issuer, client, past, List.of("practitioner")), null, null);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(issue(expired).getDiagnostics()).containsIgnoringCase("expired");

    Date future = new Date(now.getTime() + 3_600_000);
    assertThat(Http.send("GET", patientUrl, sign(cognitoKey, issuer, "another-client", future, List.of("practitioner")),
        null, null).statusCode()).isEqualTo(401);
    assertThat(Http.send("GET", patientUrl, sign(cognitoKey, "http://127.0.0.1:1/other-pool", client, future,
        List.of("practitioner")), null, null).statusCode()).isEqualTo(401);

    RSAKey stranger = new RSAKeyGenerator(2048).keyID("CognitoLocal").generate();
    assertThat(Http.send("GET", patientUrl, sign(stranger, issuer, client, future, List.of("practitioner")),
        null, null).statusCode()).isEqualTo(401);

    // The same claims signed with the pool's key are accepted: the checks above are what failed.
    assertThat(Http.send("GET", patientUrl, sign(cognitoKey, issuer, client, future, List.of("practitioner")),
        null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void nonPractitionerReadsButCannotWrite() {
    String token = server.token("non-practitioner");
    assertThat(Http.send("GET", patientUrl, token, null, null).statusCode()).isEqualTo(200);
    assertThat(Http.send("GET", patientUrl + "/_history", token, null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> create = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        "{\"resourceType\":\"Patient\"}");
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(issue(create).getCode()).isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
    assertThat(Http.send("DELETE", patientUrl, token, null, null).statusCode()).isEqualTo(403);

    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    tx.addEntry().setResource(new Patient()).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    assertThat(Http.send("POST", server.baseUrl(), token, "application/fhir+json", Fhir.toJson(tx)).statusCode())
        .isEqualTo(403);

    Bundle batch = new Bundle().setType(BundleType.BATCH);
    batch.addEntry().setResource(new Patient()).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl(patientUrl.substring(server.baseUrl().length() + 1));
    Bundle response = Fhir.jsonParser().parseResource(Bundle.class,
        Http.send("POST", server.baseUrl(), token, "application/fhir+json", Fhir.toJson(batch)).body());
    assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("403");
    assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("200");
  }

  @Test
  void auditorReadsOnlyAuditRelevantTypes() {
    String token = server.token("auditor");
    assertThat(Http.send("GET", patientUrl, token, null, null).statusCode()).isEqualTo(200);
    assertThat(Http.send("GET", server.baseUrl() + "/AuditEvent/_history", token, null, null).statusCode())
        .isEqualTo(200);
    assertThat(Http.send("GET", server.baseUrl() + "/Observation/x", token, null, null).statusCode()).isEqualTo(403);
    assertThat(Http.send("GET", server.baseUrl() + "/_history", token, null, null).statusCode()).isEqualTo(403);
    assertThat(Http.send("PUT", patientUrl, token, "application/fhir+json", "{\"resourceType\":\"Patient\"}")
        .statusCode()).isEqualTo(403);
  }

  @Test
  void userInNoGroupMayDoNothing() {
    String user = "nogroup-" + UUID.randomUUID().toString().substring(0, 8) + "@fwoa.local";
    server.cognito().createUser(user, "Passw0rd-" + UUID.randomUUID(), List.of());
    String token = server.cognito().idToken(user);
    assertThat(Http.send("GET", patientUrl, token, null, null).statusCode()).isEqualTo(403);
  }

  private RSAKey cognitoLocalKey() throws Exception {
    var json = new ObjectMapper().readTree(Files.readString(
        server.emulatorModules().resolve("cognito-local/lib/keys/cognitoLocal.private.json")));
    return RSAKey.parse(new ObjectMapper().writeValueAsString(json.get("jwk")));
  }

  private static String sign(RSAKey key, String issuer, String audience, Date expiry, List<String> groups)
      throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(UUID.randomUUID().toString())
        .issuer(issuer)
        .audience(audience)
        .expirationTime(expiry)
        .issueTime(new Date(expiry.getTime() - 7_200_000))
        .claim("token_use", "id")
        .claim("cognito:groups", groups)
        .claim("cognito:username", "crafted@fwoa.local")
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("CognitoLocal").build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static OperationOutcome.OperationOutcomeIssueComponent issue(HttpResponse<String> r) {
    return Fhir.jsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep();
  }
}
