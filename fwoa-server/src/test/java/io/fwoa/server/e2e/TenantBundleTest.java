package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.TenantUsers;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transactions on a multi-tenant server over HTTP, with tokens that carry {@code custom:tenantId}
 * (the same settings as ReferentialIntegrityTest, so both share one stack).
 */
@ExtendWith(LocalStack.class)
class TenantBundleTest {

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

  /** An entry URL of tenant B, sent by a caller of tenant A, is refused: never written to A (or B). */
  @Test
  void transactionEntryUrlsOfAnotherTenantAreRejected() {
    String id = "hop-" + UUID.randomUUID().toString().substring(0, 8);
    String url = base(tenantB) + "/Patient/" + id;
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    tx.addEntry().setResource(new Patient().setActive(true).setId(id)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl(url);

    HttpResponse<String> r = Http.send("POST", base(tenantA), tokenA, "application/fhir+json", Fhir.toJson(tx));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Fhir.jsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getDiagnostics())
        .contains("Entry 0").contains(url).contains("tenant '" + tenantB + "'");
    assertThat(Http.send("GET", base(tenantA) + "/Patient/" + id, tokenA, null, null).statusCode()).isEqualTo(404);
    assertThat(Http.send("GET", base(tenantB) + "/Patient/" + id, tokenB, null, null).statusCode()).isEqualTo(404);
  }

  /** Absolute URLs of the caller's own tenant base, and of the server's base, are the caller's tenant. */
  @Test
  void absoluteEntryUrlsOfTheCallersTenantWork() {
    String own = "own-" + UUID.randomUUID().toString().substring(0, 8);
    String root = "root-" + UUID.randomUUID().toString().substring(0, 8);
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    tx.addEntry().setResource(new Patient().setActive(true).setId(own)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl(base(tenantA) + "/Patient/" + own);
    tx.addEntry().setResource(new Patient().setActive(true).setId(root)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl(server.baseUrl() + "/Patient/" + root);

    HttpResponse<String> r = Http.send("POST", base(tenantA), tokenA, "application/fhir+json", Fhir.toJson(tx));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Bundle response = Fhir.jsonParser().parseResource(Bundle.class, r.body());
    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3))
        .containsExactly("201", "201");
    for (String id : new String[] {own, root}) {
      assertThat(Http.send("GET", base(tenantA) + "/Patient/" + id, tokenA, null, null).statusCode()).isEqualTo(200);
      assertThat(Http.send("GET", base(tenantB) + "/Patient/" + id, tokenB, null, null).statusCode()).isEqualTo(404);
    }
  }

  /**
   * Batch entries follow the same rule, entry by entry: one of tenant B or of another host fails
   * alone with 400, the caller's own absolute URL is applied to the caller's tenant.
   */
  @Test
  void batchEntryUrlsOfAnotherTenantOrHostFailAlone() {
    String id = "bhop-" + UUID.randomUUID().toString().substring(0, 8);
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    batch.addEntry().setResource(new Patient().setActive(true).setId(id)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl(base(tenantB) + "/Patient/" + id);
    batch.addEntry().setResource(new Patient().setActive(true).setId(id)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl("http://elsewhere.example/Patient/" + id);
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl(base(tenantB) + "/Patient/" + id);
    batch.addEntry().setResource(new Patient().setActive(true).setId(id)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl(base(tenantA) + "/Patient/" + id);

    HttpResponse<String> r = Http.send("POST", base(tenantA), tokenA, "application/fhir+json", Fhir.toJson(batch));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Bundle response = Fhir.jsonParser().parseResource(Bundle.class, r.body());
    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3))
        .containsExactly("400", "400", "400", "201");
    assertThat(((OperationOutcome) response.getEntry().get(0).getResponse().getOutcome()).getIssueFirstRep()
        .getDiagnostics()).contains("tenant '" + tenantB + "'");
    assertThat(((OperationOutcome) response.getEntry().get(1).getResponse().getOutcome()).getIssueFirstRep()
        .getDiagnostics()).contains("not this server's base");
    assertThat(Http.send("GET", base(tenantA) + "/Patient/" + id, tokenA, null, null).statusCode()).isEqualTo(200);
    assertThat(Http.send("GET", base(tenantB) + "/Patient/" + id, tokenB, null, null).statusCode()).isEqualTo(404);
  }
}
