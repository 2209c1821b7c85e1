package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.TenantUsers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ENFORCE_REFERENTIAL_INTEGRITY=true, given to the server as fwoa:run gives it (LocalFhirServer's
 * extra environment), on a multi-tenant server: every literal reference of a written resource
 * must point to an existing resource of the caller's tenant. The default (off) is covered by
 * {@link BundleTest#danglingReferencesAreStoredWithTheDefaultSettings()}.
 */
@ExtendWith(LocalStack.class)
class ReferentialIntegrityTest {

  private LocalFhirServer server;
  private String tenantA;
  private String tenantB;
  private String tokenA;
  private String tokenB;

  @BeforeEach
  void setUp(@LocalStack.Settings({"ENABLE_MULTI_TENANCY=true", "ENFORCE_REFERENTIAL_INTEGRITY=true"})
      LocalFhirServer server) {
    this.server = server;
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    tenantA = "a" + suffix;
    tenantB = "b" + suffix;
    tokenA = TenantUsers.practitionerToken(server, tenantA);
    tokenB = TenantUsers.practitionerToken(server, tenantB);
  }

  private String base(String tenant) {
    return server.baseUrl() + "/tenant/" + tenant;
  }

  private HttpResponse<String> send(String method, String tenant, String path, String body) {
    return Http.send(method, base(tenant) + path, tenant.equals(tenantA) ? tokenA : tokenB,
        body == null ? null : "application/fhir+json", body);
  }

  private String patient(String tenant) {
    HttpResponse<String> r = send("POST", tenant, "/Patient", "{\"resourceType\":\"Patient\",\"active\":true}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Fhir.jsonParser().parseResource(Patient.class, r.body()).getIdElement().getIdPart();
  }

  private static String observation(String subject, String... performers) {
    StringBuilder b = new StringBuilder("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"" + subject + "\"}");
    if (performers.length > 0) {
      b.append(",\"performer\":[");
      for (int i = 0; i < performers.length; i++) {
        b.append(i == 0 ? "" : ",").append("{\"reference\":\"").append(performers[i]).append("\"}");
      }
      b.append(']');
    }
    return b.append('}').toString();
  }

  private static OperationOutcome.OperationOutcomeIssueComponent issue(HttpResponse<String> r) {
    return Fhir.jsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep();
  }

  @Test
  void aReferenceToNoResourceIsRejectedNamingTheElementAndTheReference() {
    String p = patient(tenantA);
    String missing = "Patient/missing-" + UUID.randomUUID();

    HttpResponse<String> r = send("POST", tenantA, "/Observation",
        observation("Patient/" + p, "Patient/" + p, missing));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(issue(r).getCode()).isEqualTo(IssueType.NOTFOUND);
    assertThat(issue(r).getDiagnostics()).contains("Observation.performer[1]").contains(missing)
        .doesNotContain("Observation.subject");
  }

  @Test
  void referencesToExistingResourcesOfTheCallersTenantAreAccepted() {
    String p = patient(tenantA);
    for (String ref : new String[] {"Patient/" + p, "Patient/" + p + "/_history/1", base(tenantA) + "/Patient/" + p,
        server.baseUrl() + "/Patient/" + p}) {
      HttpResponse<String> r = send("POST", tenantA, "/Observation", observation(ref));
      assertThat(r.statusCode()).as(ref + ": " + r.body()).isEqualTo(201);
    }
  }

  @Test
  void deletedResourcesAndResourcesOfAnotherTenantAreNotThere() {
    String deleted = patient(tenantA);
    assertThat(send("DELETE", tenantA, "/Patient/" + deleted, null).statusCode()).isEqualTo(204);
    String other = patient(tenantB);
    Map<String, String> refused = Map.of(
        "Patient/" + deleted, "was deleted",
        "Patient/" + other, "does not exist",
        base(tenantB) + "/Patient/" + other, "tenant '" + tenantB + "'");
    refused.forEach((ref, problem) -> {
      HttpResponse<String> r = send("POST", tenantA, "/Observation", observation(ref));
      assertThat(r.statusCode()).as(ref).isEqualTo(422);
      assertThat(issue(r).getDiagnostics()).contains("Observation.subject").contains(ref).contains(problem);
    });
  }

  @Test
  void containedLogicalAndOtherServersReferencesAreNotChecked() {
    String json = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"p\",\"active\":true}],"
        + "\"subject\":{\"reference\":\"#p\"},"
        + "\"performer\":[{\"identifier\":{\"system\":\"http://hl7.org/fhir/sid/us-npi\",\"value\":\"1234567893\"}},"
        + "{\"reference\":\"https://other.example/fhir/Practitioner/1\"}]}";

    HttpResponse<String> r = send("POST", tenantA, "/Observation", json);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @Test
  void updatesAndPatchesAreCheckedToo() {
    String p = patient(tenantA);
    HttpResponse<String> created = send("POST", tenantA, "/Observation", observation("Patient/" + p));
    assertThat(created.statusCode()).isEqualTo(201);
    Observation o = Fhir.jsonParser().parseResource(Observation.class, created.body());
    String id = o.getIdElement().getIdPart();
    String missing = "Patient/missing-" + UUID.randomUUID();

    o.setSubject(new Reference(missing));
    HttpResponse<String> put = send("PUT", tenantA, "/Observation/" + id, Fhir.toJson(o));
    HttpResponse<String> patch = Http.send("PATCH", base(tenantA) + "/Observation/" + id, tokenA,
        "application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/subject/reference\",\"value\":\"" + missing
            + "\"}]");

    for (HttpResponse<String> r : java.util.List.of(put, patch)) {
      assertThat(r.statusCode()).isEqualTo(422);
      assertThat(issue(r).getDiagnostics()).contains("Observation.subject").contains(missing);
    }
    HttpResponse<String> read = send("GET", tenantA, "/Observation/" + id, null);
    assertThat(Fhir.jsonParser().parseResource(Observation.class, read.body()).getMeta().getVersionId())
        .isEqualTo("1");
  }

  @Test
  void batchEntriesAreCheckedEachOnItsOwn() {
    String p = patient(tenantA);
    String missing = "Patient/missing-" + UUID.randomUUID();
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    batch.addEntry().setResource(Fhir.jsonParser().parseResource(Observation.class, observation(missing)))
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    batch.addEntry().setResource(Fhir.jsonParser().parseResource(Observation.class, observation("Patient/" + p)))
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");

    HttpResponse<String> r = send("POST", tenantA, "", Fhir.toJson(batch));

    assertThat(r.statusCode()).isEqualTo(200);
    Bundle response = Fhir.jsonParser().parseResource(Bundle.class, r.body());
    assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("422");
    assertThat(((OperationOutcome) response.getEntry().get(0).getResponse().getOutcome()).getIssueFirstRep()
        .getDiagnostics()).contains("Observation.subject").contains(missing);
    assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("201");
  }

  @Test
  void transactionsMayReferToWhatTheyWriteButNotToWhatIsMissingOrWhatTheyDelete() {
    String existing = patient(tenantA);
    Bundle ok = new Bundle().setType(BundleType.TRANSACTION);
    String urn = "urn:uuid:" + UUID.randomUUID();
    ok.addEntry().setFullUrl(urn).setResource(new Patient().setActive(true)).getRequest().setMethod(HTTPVerb.POST)
        .setUrl("Patient");
    ok.addEntry().setResource(Fhir.jsonParser().parseResource(Observation.class,
        observation(urn, "Patient/" + existing))).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    HttpResponse<String> accepted = send("POST", tenantA, "", Fhir.toJson(ok));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);

    String marker = "tx-integrity-" + UUID.randomUUID();
    String missing = "Patient/missing-" + UUID.randomUUID();
    Bundle dangling = new Bundle().setType(BundleType.TRANSACTION);
    dangling.addEntry().setResource(new Patient().setActive(true).addIdentifier(
        new org.hl7.fhir.r4.model.Identifier().setSystem("urn:tx-integrity").setValue(marker)))
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    dangling.addEntry().setResource(Fhir.jsonParser().parseResource(Observation.class, observation(missing)))
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    HttpResponse<String> refused = send("POST", tenantA, "", Fhir.toJson(dangling));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(issue(refused).getDiagnostics()).contains("Entry 1").contains("Observation.subject").contains(missing);
    HttpResponse<String> search = send("GET", tenantA, "/Patient?identifier=urn:tx-integrity%7C" + marker, null);
    assertThat(Fhir.jsonParser().parseResource(Bundle.class, search.body()).getEntry()).isEmpty();

    String doomed = patient(tenantA);
    Bundle deleting = new Bundle().setType(BundleType.TRANSACTION);
    deleting.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("Patient/" + doomed);
    deleting.addEntry().setResource(Fhir.jsonParser().parseResource(Observation.class,
        observation("Patient/" + doomed))).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    HttpResponse<String> r = send("POST", tenantA, "", Fhir.toJson(deleting));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(issue(r).getDiagnostics()).contains("Entry 1").contains("Patient/" + doomed)
        .contains("deleted by this transaction");
    assertThat(send("GET", tenantA, "/Patient/" + doomed, null).statusCode()).isEqualTo(200);
  }
}
