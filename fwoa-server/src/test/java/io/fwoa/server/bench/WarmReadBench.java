package io.fwoa.server.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import io.fwoa.server.api.FhirApi;
import io.fwoa.server.auth.CognitoAuthenticator;
import io.fwoa.server.auth.RbacAuthorizer;
import io.fwoa.server.conditional.StorageConditionalResolver;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.interaction.Interactions;
import io.fwoa.server.lambda.FhirApiHandler;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionWrite;
import io.fwoa.server.storage.dynamo.DynamoResourceStore;
import io.fwoa.server.config.ServerFactory;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Warm read latency of the handler itself: API Gateway event in, response out, with the storage
 * calls taken out (the versions a read needs are fetched once from dynalite and then served from
 * memory). Everything else is the production path: Cognito JWT verification (cached JWKS), RBAC,
 * routing, headers, JSON. Prints p50/p90/p99 in microseconds.
 */
public final class WarmReadBench {

  private WarmReadBench() {}

  /** The storage reads of a FHIR read, answered from a snapshot taken from the real table. */
  static final class SnapshotStore implements ResourceStore {
    private final StoredVersion version;

    SnapshotStore(StoredVersion version) {
      this.version = version;
    }

    @Override
    public Optional<StoredVersion> current(ResourceKey key) {
      return key.equals(version.key()) ? Optional.of(version) : Optional.empty();
    }

    @Override
    public Optional<StoredVersion> version(ResourceKey key, long versionId) {
      return current(key).filter(v -> v.versionId() == versionId);
    }

    @Override
    public void write(VersionWrite write) {
      throw new UnsupportedOperationException("read benchmark");
    }

    @Override
    public void writeAll(List<VersionWrite> writes) {
      throw new UnsupportedOperationException("read benchmark");
    }

    @Override
    public HistoryPage history(HistoryQuery query) {
      throw new UnsupportedOperationException("read benchmark");
    }

    @Override
    public Set<String> idsWithIdentifierValue(String tenant, String type, String value) {
      return Set.of();
    }

    @Override
    public int recoverAbandonedTransactions() {
      return 0;
    }
  }

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    ServerConfig config = ServerConfig.fromEnvironment(System.getenv());
    String id = System.getenv("BENCH_PATIENT_ID");
    StoredVersion stored;
    try (DynamoResourceStore real = new DynamoResourceStore(ServerFactory.dynamo(config),
        config.resourceTable().orElseThrow(), null)) {
      stored = real.current(new ResourceKey(null, "Patient", id)).orElseThrow();
    }
    ResourceStore store = new SnapshotStore(stored);
    FhirApi api = new FhirApi(config,
        new CognitoAuthenticator(config.cognitoIssuerUrl().orElseThrow(), config.userPoolClientId().orElseThrow()),
        new RbacAuthorizer(), new Interactions(store, new StorageConditionalResolver(store), null, Clock.systemUTC()));
    FhirApiHandler handler = new FhirApiHandler(api);
    APIGatewayProxyRequestEvent read = new APIGatewayProxyRequestEvent()
        .withHttpMethod("GET")
        .withPath("/Patient/" + id)
        .withPathParameters(Map.of("proxy", "Patient/" + id))
        .withHeaders(Map.of("Host", "bench.invalid", "Authorization", "Bearer " + System.getenv("BENCH_TOKEN"),
            "Accept", "application/fhir+json"))
        .withRequestContext(new ProxyRequestContext().withStage("dev"));

    for (int i = 0; i < iterations / 2; i++) {
      check(handler.handleRequest(read, null).getStatusCode());
    }
    long[] nanos = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long t = System.nanoTime();
      int status = handler.handleRequest(read, null).getStatusCode();
      nanos[i] = System.nanoTime() - t;
      check(status);
    }
    Arrays.sort(nanos);
    System.out.printf("warm_read iterations=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d%n", iterations,
        nanos[iterations / 2] / 1000, nanos[iterations * 9 / 10] / 1000, nanos[iterations * 99 / 100] / 1000,
        nanos[iterations - 1] / 1000);
  }

  private static void check(int status) {
    if (status != 200) {
      throw new IllegalStateException("read returned " + status);
    }
  }
}
