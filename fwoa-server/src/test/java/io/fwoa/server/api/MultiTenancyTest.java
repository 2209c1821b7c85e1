package io.fwoa.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.auth.Principal;
import io.fwoa.server.auth.RbacAuthorizer;
import io.fwoa.server.conditional.StorageConditionalResolver;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.interaction.Interactions;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.storage.dynamo.DynamoResourceStore;
import io.fwoa.server.storage.dynamo.TableSchema;
import io.fwoa.server.support.LocalStack;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Multi-tenancy (ENABLE_MULTI_TENANCY): URLs under /tenant/&lt;id&gt;, the tenant taken from the
 * caller's custom:tenantId claim, and one tenant never sees another's data. The caller comes from
 * a fixed principal here (token verification is covered end to end elsewhere); storage is dynalite.
 */
@ExtendWith(LocalStack.class)
class MultiTenancyTest {

  private DynamoDbClient dynamo;
  private DynamoResourceStore store;
  private String table;
  private FhirApi api;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    dynamo = ServerFactory.dynamo(server.config());
    table = "tenancy-" + UUID.randomUUID();
    TableSchema.createIfMissing(dynamo, table);
    store = new DynamoResourceStore(dynamo, table, null);
    Map<String, String> env = new HashMap<>(Map.of(ServerConfig.ENABLE_MULTI_TENANCY, "true"));
    api = new FhirApi(ServerConfig.fromEnvironment(env),
        request -> new Principal("sub", "user", Set.of("practitioner"), request.header("X-Test-Tenant")),
        new RbacAuthorizer(), new Interactions(store, new StorageConditionalResolver(store), null, Clock.systemUTC()));
  }

  @AfterEach
  void tearDown() {
    store.close();
    dynamo.deleteTable(b -> b.tableName(table));
    dynamo.close();
  }

  private ApiResponse call(String method, String path, String tenantClaim, String body) {
    Map<String, String> headers = new HashMap<>();
    if (tenantClaim != null) {
      headers.put("X-Test-Tenant", tenantClaim);
    }
    headers.put("Content-Type", "application/fhir+json");
    return api.handle(new ApiRequest(method, path, headers, Map.of(), body, "https://api.example.org/dev"));
  }

  @Test
  void tenantsAreIsolated() {
    ApiResponse created = call("POST", "/tenant/t1/Patient", "t1", "{\"resourceType\":\"Patient\",\"active\":true}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.headers().get("Location")).startsWith("https://api.example.org/dev/tenant/t1/Patient/");
    String id = created.headers().get("Location").split("/")[7];

    assertThat(call("GET", "/tenant/t1/Patient/" + id, "t1", null).status()).isEqualTo(200);
    assertThat(call("GET", "/tenant/t2/Patient/" + id, "t2", null).status()).isEqualTo(404);
    assertThat(call("GET", "/tenant/t2/Patient/" + id, "t1", null).status()).isEqualTo(403);
    assertThat(call("GET", "/tenant/t1/Patient/" + id, null, null).status()).isEqualTo(403);

    ApiResponse t2History = call("GET", "/tenant/t2/_history", "t2", null);
    assertThat(t2History.body()).doesNotContain(id);
    ApiResponse t1History = call("GET", "/tenant/t1/Patient/_history", "t1", null);
    assertThat(t1History.body()).contains(id).contains("/tenant/t1/Patient/" + id);
    assertThat(List.of(call("GET", "/metadata", null, null).status(), call("GET", "/tenant/t9/metadata", null, null)
        .status())).containsOnly(200);
  }
}
