package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.TestIssuer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * SMART on FHIR enforcement on every path, against the local stack with a SMART configuration:
 * tokens signed by a test issuer whose JWKS is served over HTTP like a real authorization
 * server's. Patient A's token must see A's compartment and nothing of patient B's, on reads,
 * searches (with includes, reverse includes, _has and chains), history, bundles, conditional
 * operations and writes; granular scopes filter; system and practitioner tokens see everything.
 */
@TestInstance(Lifecycle.PER_CLASS)
class SmartEnforcementTest {

  private TestIssuer issuer;
  private LocalFhirServer server;
  private String base;

  @BeforeAll
  void start() {
    issuer = new TestIssuer();
    server = issuer.startServer(Map.of());
    base = server.baseUrl();
    seed();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  private void seed() {
    String system = token("system/*.*", null, null);
    put(system, "Patient", "{\"resourceType\":\"Patient\",\"id\":\"pa\",\"name\":[{\"family\":\"Alpha\"}]}");
    put(system, "Patient", "{\"resourceType\":\"Patient\",\"id\":\"pb\",\"name\":[{\"family\":\"Bravo\"}]}");
    put(system, "Practitioner", "{\"resourceType\":\"Practitioner\",\"id\":\"dr\"}");
    put(system, "Observation", observation("a-lab", "pa", "laboratory", ",\"hasMember\":[{\"reference\":"
        + "\"Observation/b-lab\"}]"));
    put(system, "Observation", observation("a-vital", "pa", "vital-signs", ""));
    put(system, "Observation", observation("b-lab", "pb", "laboratory", ",\"identifier\":[{\"system\":\"urn:t\","
        + "\"value\":\"b-lab\"}]"));
    put(system, "Binary", "{\"resourceType\":\"Binary\",\"id\":\"bin-a\",\"contentType\":\"text/plain\","
        + "\"securityContext\":{\"reference\":\"Observation/a-lab\"},\"data\":\"YQ==\"}");
    put(system, "Binary", "{\"resourceType\":\"Binary\",\"id\":\"bin-b\",\"contentType\":\"text/plain\","
        + "\"securityContext\":{\"reference\":\"Patient/pb\"},\"data\":\"Yg==\"}");
  }

  private static String observation(String id, String patient, String category, String more) {
    return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\",\"category\":[{\"coding\":"
        + "[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"" + category
        + "\"}]}],\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + patient + "\"}" + more + "}";
  }

  // ------------------------------------------------------------------ patient context

  @Test
  void patientTokenReadsItsCompartmentAndNothingElse() {
    String t = patientToken("pa");
    assertThat(get(t, "/Patient/pa").statusCode()).isEqualTo(200);
    assertThat(get(t, "/Observation/a-lab").statusCode()).isEqualTo(200);
    // Outside the compartment by id: not found, as if it did not exist.
    assertThat(get(t, "/Patient/pb").statusCode()).isEqualTo(404);
    assertThat(get(t, "/Observation/b-lab").statusCode()).isEqualTo(404);
    assertThat(get(t, "/Observation/b-lab/_history/1").statusCode()).isEqualTo(404);
    assertThat(get(t, "/Observation/b-lab/_history").statusCode()).isEqualTo(404);
    assertThat(get(t, "/Practitioner/dr").statusCode()).isEqualTo(404);
  }

  @Test
  void patientSearchesFindOnlyTheCompartment() {
    String t = patientToken("pa");
    List<String> own = ids(search(token("system/*.rs", null, null), "/Observation?subject=Patient/pa&_count=500"));
    assertThat(own).contains("a-lab", "a-vital").doesNotContain("b-lab");
    Bundle found = search(t, "/Observation?_total=accurate&_count=500");
    assertThat(ids(found)).containsExactlyInAnyOrderElementsOf(own);
    assertThat(found.getTotal()).isEqualTo(own.size());
    assertThat(ids(search(t, "/Patient"))).containsExactly("pa");
    assertThat(ids(search(t, "/Observation?subject=Patient/pb"))).isEmpty();
    assertThat(search(t, "/Observation?_summary=count").getTotal()).isEqualTo(own.size());
    // The Practitioner is in no patient's compartment.
    assertThat(ids(search(t, "/Practitioner"))).isEmpty();
    // System search and paging keep to the compartment too.
    // Every type at once: the reach of each type is part of one query.
    List<String> everything = ids(search(t, "/?_count=500"));
    // (A Binary is reached through its securityContext when read by id; the index cannot tell, so
    // searches of Binary find nothing for a compartment-bound token.)
    assertThat(everything).containsExactlyInAnyOrderElementsOf(expectedWith(own, "pa"));
    assertThat(ids(search(t, "/?_type=Observation,Patient&_count=500")))
        .containsExactlyInAnyOrderElementsOf(expectedWith(own, "pa"));
    Bundle first = search(t, "/Observation?_count=1&_sort=_id");
    assertThat(ids(first)).hasSize(1).isSubsetOf(own);
    String next = first.getLink("next").getUrl();
    List<String> second = ids(search(t, next.substring(base.length())));
    assertThat(second).hasSize(1).isSubsetOf(own).doesNotContainAnyElementsOf(ids(first));
  }

  private static List<String> expectedWith(List<String> ids, String more) {
    List<String> out = new ArrayList<>(ids);
    out.add(more);
    return out;
  }

  @Test
  void includesReverseIncludesHasAndChainsDoNotLeak() {
    String t = patientToken("pa");
    // a-lab's hasMember points at b-lab: the include must leave it out.
    Bundle inc = search(t, "/Observation?_id=a-lab&_include=Observation:has-member");
    assertThat(ids(inc)).containsExactly("a-lab");
    Bundle rev = search(t, "/Patient?_revinclude=Observation:subject");
    assertThat(ids(rev)).contains("pa", "a-lab", "a-vital").doesNotContain("pb", "b-lab");
    assertThat(ids(search(t, "/Patient?_id=pb&_revinclude=Observation:subject"))).isEmpty();
    assertThat(ids(search(t, "/Patient?_has:Observation:subject:category=laboratory"))).containsExactly("pa");
    assertThat(ids(search(t, "/Observation?subject.family=Bravo"))).isEmpty();
    assertThat(ids(search(t, "/Observation?subject.family=Alpha"))).contains("a-lab", "a-vital")
        .doesNotContain("b-lab");
  }

  @Test
  void historyLeavesOthersOut() {
    String t = patientToken("pa");
    Bundle type = bundle(get(t, "/Observation/_history"));
    assertThat(ids(type)).isNotEmpty().doesNotContain("b-lab");
    assertThat(ids(type)).contains("a-lab", "a-vital");
    Bundle all = bundle(get(t, "/_history?_count=500"));
    assertThat(ids(all)).doesNotContain("b-lab", "pb", "dr", "bin-b");
  }

  @Test
  void writesMustStayInTheCompartment() {
    String t = token("patient/*.cruds launch/patient", "pa", null);
    HttpResponse<String> other = post(t, "/Observation", observation(null, "pb", "laboratory", "")
        .replace("\"id\":\"null\",", ""));
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(issue(other)).contains("outside what this token reaches");
    HttpResponse<String> own = post(t, "/Observation", observation(null, "pa", "laboratory", "")
        .replace("\"id\":\"null\",", ""));
    assertThat(own.statusCode()).isEqualTo(201);
    // Moving an own resource out of the compartment, or touching another patient's.
    assertThat(put(t, "Observation", observation("a-vital", "pb", "vital-signs", "")).statusCode()).isEqualTo(403);
    assertThat(put(t, "Observation", observation("b-lab", "pa", "laboratory", "")).statusCode()).isEqualTo(403);
    assertThat(Http.send("DELETE", base + "/Observation/b-lab", t, null, null).statusCode()).isEqualTo(403);
    assertThat(Http.send("PATCH", base + "/Observation/a-vital", t, "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/subject/reference\",\"value\":\"Patient/pb\"}]").statusCode())
        .isEqualTo(403);
    // The system's view is unchanged.
    String system = token("system/*.rs", null, null);
    assertThat(get(system, "/Observation/b-lab").body()).contains("Patient/pb");
    assertThat(get(system, "/Observation/a-vital").body()).contains("Patient/pa");
  }

  @Test
  void conditionalCreateDoesNotFindAnotherPatientsResource() {
    String t = token("patient/*.cruds launch/patient", "pa", null);
    HttpResponse<String> r = Http.send("POST", base + "/Observation", t, "application/fhir+json",
        observation(null, "pa", "laboratory", "").replace("\"id\":\"null\",", ""),
        Map.of("If-None-Exist", "identifier=urn:t|b-lab"));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).doesNotContain("Patient/pb");
  }

  @Test
  void transactionWithOneEntryOutsideIsRefusedWhole() {
    String t = token("patient/*.cruds launch/patient", "pa", null);
    String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + entry("tx-own", "pa") + "," + entry("tx-other", "pb") + "]}";
    HttpResponse<String> r = post(t, "", bundle);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(issue(r)).contains("Entry 1");
    String system = token("system/*.rs", null, null);
    assertThat(get(system, "/Observation/tx-own").statusCode()).isEqualTo(404);
    assertThat(get(system, "/Observation/tx-other").statusCode()).isEqualTo(404);
  }

  private static String entry(String id, String patient) {
    return "{\"resource\":" + observation(id, patient, "laboratory", "") + ",\"request\":{\"method\":\"PUT\","
        + "\"url\":\"Observation/" + id + "\"}}";
  }

  @Test
  void batchEntriesAreCheckedOneByOne() {
    String t = patientToken("pa");
    String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation/a-lab\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation/b-lab\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation?subject=Patient/pb\"}}]}";
    Bundle out = bundle(post(t, "", bundle));
    assertThat(out.getEntry().get(0).getResponse().getStatus()).startsWith("200");
    assertThat(out.getEntry().get(1).getResponse().getStatus()).startsWith("404");
    assertThat(((Bundle) out.getEntry().get(2).getResource()).getEntry()).isEmpty();
  }

  @Test
  void binaryFollowsItsSecurityContext() {
    String t = patientToken("pa");
    assertThat(get(t, "/Binary/bin-a").statusCode()).isEqualTo(200);
    assertThat(get(t, "/Binary/bin-b").statusCode()).isEqualTo(404);
  }

  // ------------------------------------------------------------------ scopes

  @Test
  void readOnlyScopeCannotCreateAndSaysWhichScopeIsMissing() {
    String t = token("patient/Observation.rs launch/patient", "pa", null);
    HttpResponse<String> r = post(t, "/Observation", observation("x1", "pa", "laboratory", ""));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(issue(r)).contains("patient/Observation.c");
    assertThat(get(t, "/Patient/pa").statusCode()).isEqualTo(403);
  }

  @Test
  void granularScopeFindsAndReadsOnlyWhatItsQueryMatches() {
    String t = token("patient/Observation.rs?category=laboratory launch/patient", "pa", null);
    List<String> found = ids(search(t, "/Observation?_total=accurate"));
    assertThat(found).contains("a-lab").doesNotContain("a-vital", "b-lab");
    for (String id : found) {
      assertThat(get(t, "/Observation/" + id).body()).contains("laboratory").contains("Patient/pa");
    }
    assertThat(get(t, "/Observation/a-lab").statusCode()).isEqualTo(200);
    assertThat(get(t, "/Observation/a-vital").statusCode()).isEqualTo(404);
    // _has cannot ask about what the scope does not reach.
    assertThat(ids(search(t, "/Observation?_id=a-vital"))).isEmpty();
  }

  @Test
  void userScopesWithAPatientFhirUserKeepToThatPatient() {
    String t = token("user/*.rs", null, "Patient/pa");
    assertThat(get(t, "/Observation/a-lab").statusCode()).isEqualTo(200);
    assertThat(get(t, "/Observation/b-lab").statusCode()).isEqualTo(404);
    assertThat(ids(search(t, "/Observation"))).contains("a-lab", "a-vital").doesNotContain("b-lab");
  }

  @Test
  void practitionerAndSystemTokensSeeEveryone() {
    String dr = token("user/*.cruds", null, "Practitioner/dr");
    assertThat(get(dr, "/Observation/b-lab").statusCode()).isEqualTo(200);
    assertThat(get(dr, "/Binary/bin-b").statusCode()).isEqualTo(200);
    assertThat(ids(search(dr, "/Patient"))).contains("pa", "pb");
    String system = token("system/*.rs", null, null);
    assertThat(ids(search(system, "/Observation"))).contains("a-lab", "a-vital", "b-lab");
    assertThat(post(system, "/Patient", "{\"resourceType\":\"Patient\"}").statusCode()).isEqualTo(403);
  }

  @Test
  void patientScopesWithoutAPatientInContextGrantNothing() {
    HttpResponse<String> r = get(token("patient/*.rs", null, null), "/Observation/a-lab");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(issue(r)).contains("without a patient in context");
  }

  // ------------------------------------------------------------------ tokens

  @Test
  void badTokensAre401WithBearerChallenge() throws Exception {
    long now = System.currentTimeMillis();
    List<String> bad = new ArrayList<>();
    JWTClaimsSet valid = claims().build();
    bad.add(token(b -> b.expirationTime(new Date(now - 60_000))));
    bad.add(token(b -> b.audience("https://elsewhere.example")));
    bad.add(token(b -> b.issuer("https://evil.example")));
    bad.add(TestIssuer.sign(new RSAKeyGenerator(2048).keyID("unknown").generate(), valid));
    bad.add(TestIssuer.sign(new RSAKeyGenerator(2048).keyID("k1").generate(), valid)); // same kid, other key
    bad.add(new PlainJWT(valid).serialize());
    bad.add(new PlainJWT(new PlainHeader.Builder().type(JOSEObjectType.JWT).build(), valid).serialize());
    SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), valid);
    hs.sign(new MACSigner(issuer.key().toPublicJWK().toRSAPublicKey().getEncoded()));
    bad.add(hs.serialize());
    String good = patientToken("pa");
    String[] parts = good.split("\\.");
    String tampered = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"pa\"", "\"pb\"");
    bad.add(parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        tampered.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
    for (String token : bad) {
      HttpResponse<String> r = get(token, "/Patient/pa");
      assertThat(r.statusCode()).as(token).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }
    assertThat(get(null, "/Patient/pa").statusCode()).isEqualTo(401);
    assertThat(get(good, "/Patient/pa").statusCode()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ helpers

  private String patientToken(String patient) {
    return token("launch/patient openid fhirUser patient/*.rs", patient, null);
  }

  private String token(String scope, String patient, String fhirUser) {
    return issuer.token(base, scope, patient, fhirUser);
  }

  /** A patient/*.rs token for pa, changed by {@code custom}. */
  private String token(Consumer<JWTClaimsSet.Builder> custom) {
    return issuer.token(base, b -> custom.accept(b.claim("scope", "patient/*.rs").claim("patient", "pa")));
  }

  private JWTClaimsSet.Builder claims() {
    return TestIssuer.claims(base).claim("scope", "patient/*.rs").claim("patient", "pa");
  }

  private HttpResponse<String> get(String token, String path) {
    return Http.send("GET", base + path, token, null, null);
  }

  private HttpResponse<String> post(String token, String path, String body) {
    return Http.send("POST", base + path, token, "application/fhir+json", body);
  }

  private HttpResponse<String> put(String token, String type, String body) {
    String id = Fhir.jsonParser().parseResource(body).getIdElement().getIdPart();
    return Http.send("PUT", base + "/" + type + "/" + id, token, "application/fhir+json", body);
  }

  private Bundle search(String token, String path) {
    return bundle(get(token, path));
  }

  private static Bundle bundle(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Fhir.jsonParser().parseResource(Bundle.class, r.body());
  }

  private static List<String> ids(Bundle b) {
    List<String> out = new ArrayList<>();
    for (BundleEntryComponent e : b.getEntry()) {
      Resource r = e.getResource();
      if (r != null && !(r instanceof OperationOutcome)) {
        out.add(r.getIdElement().getIdPart());
      }
    }
    return out;
  }

  private static String issue(HttpResponse<String> r) {
    return Fhir.jsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getDiagnostics();
  }
}
