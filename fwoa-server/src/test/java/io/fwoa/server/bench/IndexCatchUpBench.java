package io.fwoa.server.bench;

import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.local.IndexCatchUp;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalLog;
import io.fwoa.server.local.LocalSearch;
import io.fwoa.server.search.opensearch.SearchIndex;
import io.fwoa.server.search.stream.StreamIndexer;
import io.fwoa.server.support.Http;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a start of fwoa:run after an unclean stop costs (bench/index-catch-up.sh runs each step in a
 * JVM of its own). {@code fill DIR N}: N resources in transaction bundles over HTTP, indexed as
 * usual, then an orderly stop. {@code restart DIR}: a start without the clean-stop marker, as after
 * a crash (the index is complete). {@code compare DIR SEGMENTS}: the catch-up with the index
 * complete and empty, asking the index for its versions first or feeding every newest version to
 * the indexer, after one unmeasured run that warms the JVM. Prints one line per run. Not a test.
 */
public final class IndexCatchUpBench {

  private IndexCatchUpBench() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[1]);
    LocalFhirServer.Options options = new LocalFhirServer.Options(data, 0, null, false, Map.of(), LocalLog.SILENT);
    switch (args[0]) {
      case "fill" -> {
        try (LocalFhirServer server = LocalFhirServer.start(options)) {
          fill(server, Integer.parseInt(args[2]));
        }
      }
      case "restart" -> {
        Files.deleteIfExists(data.resolve("index-clean"));
        long t = System.nanoTime();
        try (LocalFhirServer server = LocalFhirServer.start(options)) {
          double start = (System.nanoTime() - t) / 1e9;
          IndexCatchUp.Result r = server.startupCatchUp();
          System.out.printf("catch-up mode=restart-without-marker resources=%d indexed=%d seconds=%.2f "
              + "resources_per_s=%.0f whole_start_s=%.2f%n", r.resources(), r.indexed(), r.millis() / 1000.0,
              r.resourcesPerSecond(), start);
        }
      }
      case "compare" -> {
        int segments = Integer.parseInt(args[2]);
        try (LocalFhirServer server = LocalFhirServer.start(options)) {
          run(server, segments, true, "warm-up");
          run(server, segments, true, "index-complete");
          run(server, 1, true, "index-complete");
          run(server, segments, false, "index-complete");
          clear(server);
          run(server, segments, false, "index-empty");
          clear(server);
          run(server, segments, true, "index-empty");
        }
      }
      default -> throw new IllegalArgumentException("fill, restart or compare");
    }
  }

  /** Transaction bundles of 301 resources from two clients, as bench/ingest.sh sends them. */
  private static void fill(LocalFhirServer server, int resources) throws Exception {
    String token = server.token("practitioner");
    int bundles = Math.max(1, resources / 301);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < bundles; i++) {
      done.add(pool.submit(() -> {
        HttpResponse<String> r = Http.send("POST", server.baseUrl(), token, "application/fhir+json",
            Fhir.toJson(SyntheticBundles.patient(300)));
        if (r.statusCode() != 200) {
          throw new IllegalStateException("transaction returned " + r.statusCode() + ": " + r.body());
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private static void run(LocalFhirServer server, int segments, boolean checkIndexed, String state) {
    // A client of its own: after clear() the server's client still believes the indexes exist.
    try (SearchIndex index = LocalSearch.connect(server.searchEndpoint());
        DynamoDbClient dynamo = ServerFactory.dynamo(server.config())) {
      StreamIndexHandler handler = new StreamIndexHandler(new StreamIndexer(index, false, true, null));
      IndexCatchUp.Result r = new IndexCatchUp(dynamo, LocalFhirServer.TABLE, index, handler::handleRequest, null)
          .segments(segments).checkIndexed(checkIndexed).run();
      System.out.printf("catch-up mode=%s state=%s segments=%d items=%d resources=%d indexed=%d failed=%d "
          + "seconds=%.2f resources_per_s=%.0f%n", checkIndexed ? "ask-index-first" : "feed-all", state, segments,
          r.items(), r.resources(), r.indexed(), r.failed(), r.millis() / 1000.0, r.resourcesPerSecond());
    }
  }

  private static void clear(LocalFhirServer server) throws Exception {
    server.searchIndex().client().indices().delete(d -> d.index("fwoa-*"));
  }
}
