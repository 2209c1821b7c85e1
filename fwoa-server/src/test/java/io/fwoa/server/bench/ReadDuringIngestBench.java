package io.fwoa.server.bench;

import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.support.Http;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Latency of small reads (GET /metadata, a Patient search) on the running local stack while
 * other clients post Synthea-sized transaction bundles (301 resources) without pause, and the
 * same reads with no ingest running. Prints p50/p99/max per read. Not a test.
 */
public final class ReadDuringIngestBench {

  private ReadDuringIngestBench() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String base = System.getenv("BENCH_BASE_URL");
    String token = System.getenv("BENCH_TOKEN");
    measure(null, base, token, samples); // warms up the JIT
    measure("idle", base, token, samples);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      running.add(pool.submit(() -> {
        while (!stop.get()) {
          HttpResponse<String> r = Http.send("POST", base, token, "application/fhir+json",
              Fhir.toJson(SyntheticBundles.patient(300)));
          if (r.statusCode() != 200) {
            throw new IllegalStateException("transaction returned " + r.statusCode());
          }
        }
        return null;
      }));
    }
    try {
      Thread.sleep(3_000); // the writers get going
      measure("during-ingest writers=" + writers, base, token, samples);
    } finally {
      stop.set(true);
      for (Future<?> f : running) {
        f.get();
      }
      pool.shutdown();
    }
  }

  private static void measure(String state, String base, String token, int samples) {
    String[][] reads = {{"metadata", base + "/metadata"}, {"search", base + "/Patient?family=Ingest&_count=1"}};
    for (String[] read : reads) {
      double[] ms = new double[samples];
      for (int i = 0; i < samples; i++) {
        long t = System.nanoTime();
        HttpResponse<String> r = Http.send("GET", read[1], token, null, null);
        ms[i] = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() != 200) {
          throw new IllegalStateException(read[0] + " returned " + r.statusCode());
        }
      }
      Arrays.sort(ms);
      if (state == null) {
        continue;
      }
      System.out.printf("read %s %s p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", state, read[0], ms[samples / 2],
          ms[(int) Math.ceil(samples * 0.99) - 1], ms[samples - 1]);
    }
  }
}
