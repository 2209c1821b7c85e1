package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.TestIssuer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/** SMART with multi-tenancy: the tenant comes from the token's tenant claim, under the scopes' reach. */
@TestInstance(Lifecycle.PER_CLASS)
class SmartTenancyTest {

  private TestIssuer issuer;
  private LocalFhirServer server;
  private String base;

  @BeforeAll
  void start() {
    issuer = new TestIssuer();
    server = issuer.startServer(Map.of(ServerConfig.ENABLE_MULTI_TENANCY, "true"));
    base = server.baseUrl();
    for (String tenant : new String[] {"t1", "t2"}) {
      String system = token(base, "system/*.*", tenant, null);
      assertThat(put(system, "/Patient/p1", "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"" + (tenant
          .equals("t1") ? "female" : "male") + "\"}").statusCode()).isEqualTo(201);
    }
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

  @Test
  void eachTokenActsInItsOwnTenant() {
    assertThat(get(token(base, "system/*.rs", "t1", null), "/Patient/p1").body()).contains("female");
    assertThat(get(token(base, "system/*.rs", "t2", null), "/Patient/p1").body()).contains("male")
        .doesNotContain("female");
    // The patient in context is looked for in the token's tenant only.
    assertThat(get(token(base, "patient/*.rs", "t1", "p1"), "/Patient/p1").body()).contains("female");
  }

  @Test
  void theUrlsTenantMustBeTheTokens() {
    HttpResponse<String> other = get(token(base, "system/*.rs", "t1", null), "/tenant/t2/Patient/p1");
    assertThat(other.statusCode()).isEqualTo(403);
    // A token whose audience names the tenant's base (FWoA's form) works there.
    String tenantAudience = token(base + "/tenant/t1", "system/*.rs", "t1", null);
    assertThat(get(tenantAudience, "/tenant/t1/Patient/p1").statusCode()).isEqualTo(200);
    assertThat(get(tenantAudience, "/tenant/t2/Patient/p1").statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenWithoutATenantIsRefusedNamingTheClaim() {
    HttpResponse<String> r = get(token(base, "system/*.rs", null, null), "/Patient/p1");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("SMART_TENANT_CLAIM");
  }

  private String token(String audience, String scope, String tenant, String patient) {
    return issuer.token(audience, b -> b.claim("scope", scope).claim("tenantId", tenant).claim("patient", patient));
  }

  private HttpResponse<String> get(String token, String path) {
    return Http.send("GET", base + path, token, null, null);
  }

  private HttpResponse<String> put(String token, String path, String body) {
    return Http.send("PUT", base + path, token, "application/fhir+json", body);
  }
}
