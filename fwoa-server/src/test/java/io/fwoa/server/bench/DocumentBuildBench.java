package io.fwoa.server.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.search.index.Documents;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;

/**
 * Times building the search document of a Patient with many names: {@code bench/document-build.sh
 * [names] [runs]}, default 200,000 names (4.4 MB of JSON), 5 runs.
 */
public final class DocumentBuildBench {

  private DocumentBuildBench() {}

  /** A Patient with {@code names} distinct family names (about 22 bytes of JSON each). */
  public static String patient(String id, int names) {
    StringBuilder json = new StringBuilder(names * 24 + 100);
    json.append("{\"resourceType\":\"Patient\",\"id\":\"").append(id).append("\",\"name\":[");
    for (int i = 0; i < names; i++) {
      json.append(i == 0 ? "" : ",").append("{\"family\":\"F").append(String.format("%07d", i)).append("\"}");
    }
    return json.append("]}").toString();
  }

  public static void main(String[] args) {
    int names = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String json = patient("timing", names);
    System.out.printf("document-build Patient with %,d names: %,d bytes of JSON%n", names, json.length());
    Documents documents = new Documents();
    // The machine is shared: the thread's CPU time says more than the wall-clock time.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int run = 1; run <= runs; run++) {
      long gcStart = gcMillis();
      long start = System.nanoTime();
      long cpuStart = threads.getCurrentThreadCpuTime();
      ObjectNode doc = documents.build(null, "Patient", "timing", 1, Instant.now(), json);
      long cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("document-build run %d: %,d ms (thread CPU %,d ms, GC %,d ms), %,d family values indexed%n", run, millis,
          cpu, gcMillis() - gcStart, doc.path("p").path("family").path("n").size());
    }
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime()))
        .sum();
  }
}
