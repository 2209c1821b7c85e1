package io.fwoa.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.auth.Principal;
import io.fwoa.server.auth.RbacAuthorizer;
import io.fwoa.server.conditional.SearchConditionalResolver;
import io.fwoa.server.conditional.StorageConditionalResolver;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.interaction.Interactions;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalStreams;
import io.fwoa.server.search.SearchService;
import io.fwoa.server.search.stream.StreamIndexer;
import io.fwoa.server.storage.dynamo.DynamoResourceStore;
import io.fwoa.server.storage.dynamo.TableSchema;
import io.fwoa.server.support.LocalStack;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private FhirApi searchingApi;
  private LocalStreams streams;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    dynamo = ServerFactory.dynamo(server.config());
    table = "tenancy-" + UUID.randomUUID();
    TableSchema.createIfMissing(dynamo, table);
    store = new DynamoResourceStore(dynamo, table, null);
    Map<String, String> env = new HashMap<>(Map.of(ServerConfig.ENABLE_MULTI_TENANCY, "true"));
    api = new FhirApi(ServerConfig.fromEnvironment(env),
        MultiTenancyTest::principal,
        new RbacAuthorizer(), new Interactions(store, new StorageConditionalResolver(store), null, Clock.systemUTC()));
    // The same API with search: writes reach the embedded node through the stream handler.
    streams = new LocalStreams(dynamo, new StreamIndexHandler(new StreamIndexer(server.searchIndex(), false, true,
        null)));
    DynamoResourceStore indexedStore = new DynamoResourceStore(streams, table, null);
    SearchService search = new SearchService(server::searchIndex);
    searchingApi = new FhirApi(ServerConfig.fromEnvironment(env),
        MultiTenancyTest::principal,
        new RbacAuthorizer(), new Interactions(indexedStore, new SearchConditionalResolver(indexedStore, search), null,
            Clock.systemUTC()), search);
  }

  /** The caller: a practitioner whose tenant claim and token use come from test headers. */
  private static Principal principal(ApiRequest request) {
    return new Principal("sub", "user", Set.of("practitioner"), request.header("X-Test-Tenant"),
        request.header("X-Test-Token-Use"));
  }

  @AfterEach
  void tearDown() {
    store.close();
    dynamo.deleteTable(b -> b.tableName(table));
    dynamo.close();
  }

  private ApiResponse call(String method, String path, String tenantClaim, String body) {
    return call(api, method, path, Map.of(), tenantClaim, body);
  }

  private ApiResponse search(String tenant, String type, Map<String, List<String>> query) {
    return call(searchingApi, "GET", "/tenant/" + tenant + "/" + type, query, tenant, null);
  }

  private String create(String tenant, String body) {
    ApiResponse created = call(searchingApi, "POST", "/tenant/" + tenant + "/"
        + body.replaceAll("(?s).*\"resourceType\":\"(\\w+)\".*", "$1"), Map.of(), tenant, body);
    streams.flush();
    assertThat(created.status()).isEqualTo(201);
    return created.headers().get("Location").split("/")[7];
  }

  private static List<String> ids(ApiResponse bundle) {
    assertThat(bundle.status()).isEqualTo(200);
    Matcher m = Pattern.compile("\"fullUrl\":\"[^\"]*/([A-Za-z]+/[^\"/]+)\"").matcher(bundle.body());
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private ApiResponse call(FhirApi target, String method, String path, Map<String, List<String>> query,
      String tenantClaim, String body) {
    Map<String, String> headers = new HashMap<>();
    if (tenantClaim != null) {
      headers.put("X-Test-Tenant", tenantClaim);
    }
    headers.put("Content-Type", "application/fhir+json");
    return target.handle(new ApiRequest(method, path, headers, query, body, "https://api.example.org/dev"));
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

  @Test
  void searchesSeeOnlyTheCallersTenant() {
    String family = "Tenantson" + UUID.randomUUID().toString().substring(0, 8);
    String p1 = create("t1", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    String p2 = create("t2", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    // Tenant t2 writes an Observation that points at t1's patient id.
    String o2 = create("t2", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"Patient/" + p1 + "\"}}");

    assertThat(ids(search("t1", "Patient", Map.of("family", List.of(family))))).containsExactly("Patient/" + p1);
    assertThat(ids(search("t2", "Patient", Map.of("family", List.of(family))))).containsExactly("Patient/" + p2);
    // Neither reverse chains nor includes cross over.
    assertThat(ids(search("t1", "Patient", Map.of("family", List.of(family),
        "_has:Observation:subject:status", List.of("final"))))).isEmpty();
    assertThat(ids(search("t1", "Patient", Map.of("_id", List.of(p1), "_revinclude",
        List.of("Observation:subject"))))).containsExactly("Patient/" + p1);
    assertThat(ids(search("t2", "Observation", Map.of("_id", List.of(o2), "_include",
        List.of("Observation:subject"))))).containsExactly("Observation/" + o2);
  }

  @Test
  void tenantClaimsThatAreNotTenantIdsAreRefusedNamingTheClaim() {
    for (String claim : List.of("", "*", "tenantB ", " t1", "t1/x", "t\u00e4nant", "x".repeat(65))) {
      ApiResponse response = call("GET", "/Patient/_history", claim, null);
      assertThat(response.status()).as("claim '%s'", claim).isEqualTo(403);
      assertThat(response.body()).as("claim '%s'", claim).contains("custom:tenantId")
          .contains("is not a valid tenant id");
    }
    // The same claim padded or wildcarded does not reach the tenant it resembles.
    assertThat(call("GET", "/tenant/tenantB/Patient/_history", "tenantB ", null).status()).isEqualTo(403);
    String longest = "t-_" + "x".repeat(61);
    assertThat(call("GET", "/tenant/" + longest + "/Patient/_history", longest, null).status()).isEqualTo(200);
  }

  @Test
  void urlTenantsThatAreNotTenantIdsAreBadRequests() {
    for (String tenant : List.of("", "*", "tenant B", "x".repeat(65))) {
      ApiResponse response = call("GET", "/tenant/" + tenant + "/Patient/_history", "t1", null);
      assertThat(response.status()).as("tenant '%s'", tenant).isEqualTo(400);
      assertThat(response.body()).as("tenant '%s'", tenant).contains("is not a valid tenant id");
    }
  }

  @Test
  void anAccessTokenWithoutATenantIsToldToUseTheIdToken() {
    Map<String, String> headers = Map.of("X-Test-Token-Use", "access", "Content-Type", "application/fhir+json");
    ApiResponse response = api.handle(new ApiRequest("GET", "/tenant/t1/Patient/_history", headers, Map.of(), null,
        "https://api.example.org/dev"));
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).contains("access tokens carry no custom:tenantId").contains("use the ID token");
  }
}
