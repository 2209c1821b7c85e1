package io.fwoa.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrency soak against the running local stack over HTTP: clients mix transactions over
 * shared resources, If-Match updates, conditional creates and searches for a bounded time, then
 * the invariants are checked: no request hung, none answered 5xx, every acknowledged write reads
 * back with its content, every history is contiguous, and search agrees with the table. Prints
 * requests/s and latency percentiles; exits 1 if an invariant does not hold.
 */
public final class SoakBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HANG = Duration.ofSeconds(30);
  private static final int SHARED = 20;
  private static final int CONDITIONS = 50;

  private final String base;
  private final String token;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  /** Acknowledged writes: "id/vid" to the family name the client wrote. */
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final Set<String> created = ConcurrentHashMap.newKeySet();

  private SoakBench(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    SoakBench soak = new SoakBench(System.getenv("BENCH_BASE_URL"), System.getenv("BENCH_TOKEN"));
    System.exit(soak.run(seconds, clients) ? 0 : 1);
  }

  private String shared(int i) {
    return "soak-" + run + "-" + i;
  }

  private boolean run(int seconds, int clients) throws Exception {
    for (int i = 0; i < SHARED; i++) {
      expect(send("PUT", "/Patient/" + shared(i), patient(shared(i), "init", null), Map.of()), 201, 200);
    }
    latencies.clear();
    statuses.clear();
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> running = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      running.add(pool.submit(() -> {
        for (int n = 0; System.nanoTime() < until && failures.size() < 100; n++) {
          String marker = "c" + client + "n" + n;
          int op = ThreadLocalRandom.current().nextInt(10);
          if (op < 3) {
            transaction(marker);
          } else if (op < 6) {
            ifMatchUpdate(marker);
          } else if (op < 8) {
            conditionalCreate(marker);
          } else {
            search();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();

    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    long requests = sorted.size();
    System.out.printf("soak clients=%d seconds=%.0f requests=%d requests_per_s=%.1f p50_ms=%.1f p99_ms=%.1f "
            + "max_ms=%.1f statuses=%s%n", clients, elapsed, requests, requests / elapsed, percentile(sorted, 50),
        percentile(sorted, 99), sorted.isEmpty() ? 0.0 : sorted.get(sorted.size() - 1) / 1e6,
        new TreeMap<>(statuses));
    return check();
  }

  // ---------------------------------------------------------------- operations

  /** PUTs 3 to 5 shared patients in one transaction: 200, or 409/412 when another one won. */
  private void transaction(String marker) {
    List<String> ids = new ArrayList<>();
    int size = 3 + ThreadLocalRandom.current().nextInt(3);
    while (ids.size() < size) {
      String id = shared(ThreadLocalRandom.current().nextInt(SHARED));
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    StringBuilder b = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
    for (int i = 0; i < ids.size(); i++) {
      b.append(i == 0 ? "" : ",").append("{\"resource\":").append(patient(ids.get(i), marker, null))
          .append(",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/").append(ids.get(i)).append("\"}}");
    }
    HttpResponse<String> r = send("POST", "", b.append("]}").toString(), Map.of());
    if (r != null && r.statusCode() == 200) {
      for (JsonNode e : json(r.body()).path("entry")) {
        String location = e.path("response").path("location").asText();
        acknowledged.put(location.substring(location.indexOf('/') + 1).replace("/_history/", "/"), marker);
      }
    } else {
      expect(r, 409, 412);
    }
  }

  /** Reads a shared patient and updates it with If-Match: 200, or 412 when someone was first. */
  private void ifMatchUpdate(String marker) {
    String id = shared(ThreadLocalRandom.current().nextInt(SHARED));
    HttpResponse<String> read = send("GET", "/Patient/" + id, null, Map.of());
    if (!expect(read, 200)) {
      return;
    }
    String version = json(read.body()).path("meta").path("versionId").asText();
    HttpResponse<String> r = send("PUT", "/Patient/" + id, patient(id, marker, null),
        Map.of("If-Match", "W/\"" + version + "\""));
    if (r != null && r.statusCode() == 200) {
      acknowledged.put(id + "/" + json(r.body()).path("meta").path("versionId").asText(), marker);
    } else {
      expect(r, 412);
    }
  }

  /** Creates "the patient with identifier k" unless it exists: 201 once per k, 200 after. */
  private void conditionalCreate(String marker) {
    String value = run + "-" + ThreadLocalRandom.current().nextInt(CONDITIONS);
    HttpResponse<String> r = send("POST", "/Patient", patient(null, marker, value),
        Map.of("If-None-Exist", "identifier=urn:soak|" + value));
    if (expect(r, 201, 200)) {
      JsonNode p = json(r.body());
      if (r.statusCode() == 201) {
        created.add(value + " " + p.path("id").asText());
        acknowledged.put(p.path("id").asText() + "/" + p.path("meta").path("versionId").asText(), marker);
      }
    }
  }

  private void search() {
    if (ThreadLocalRandom.current().nextBoolean()) {
      expect(send("GET", "/Patient?identifier=" + enc("urn:soak|" + run + "-"
          + ThreadLocalRandom.current().nextInt(CONDITIONS)), null, Map.of()), 200);
    } else {
      expect(send("GET", "/Patient?_id=" + shared(ThreadLocalRandom.current().nextInt(SHARED)), null, Map.of()), 200);
    }
  }

  // ---------------------------------------------------------------- invariants

  private boolean check() throws Exception {
    long hangs = failures.stream().filter(f -> f.contains("no answer")).count();
    long serverErrors = statuses.entrySet().stream().filter(e -> e.getKey() >= 500)
        .mapToLong(e -> e.getValue().get()).sum();

    // Every acknowledged write reads back with what the client wrote.
    List<String> lost = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> reads = new ArrayList<>();
    for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
      reads.add(pool.submit(() -> {
        String[] idVid = ack.getKey().split("/");
        HttpResponse<String> r = send("GET", "/Patient/" + idVid[0] + "/_history/" + idVid[1], null, Map.of());
        if (r == null || r.statusCode() != 200 || !json(r.body()).path("name").path(0).path("family").asText()
            .equals(ack.getValue())) {
          lost.add(ack.getKey() + " -> " + (r == null ? "no answer" : r.statusCode()));
        }
      }));
    }
    for (Future<?> f : reads) {
      f.get();
    }
    pool.shutdown();

    // Histories are contiguous, and search shows each shared patient's current version.
    List<String> gaps = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < SHARED; i++) {
      String id = shared(i);
      List<Integer> versions = new ArrayList<>();
      String page = "/Patient/" + id + "/_history?_count=500";
      while (page != null) {
        HttpResponse<String> h = send("GET", page, null, Map.of());
        if (!expect(h, 200)) {
          break;
        }
        JsonNode bundle = json(h.body());
        bundle.path("entry").forEach(e -> versions.add(e.path("resource").path("meta").path("versionId").asInt()));
        page = null;
        for (JsonNode link : bundle.path("link")) {
          if (link.path("relation").asText().equals("next")) {
            String url = link.path("url").asText();
            page = url.substring(url.indexOf("/Patient/"));
          }
        }
      }
      for (int k = 0; k < versions.size(); k++) {
        if (versions.get(k) != versions.size() - k) {
          gaps.add(id + " " + versions);
          break;
        }
      }
      String current = json(send("GET", "/Patient/" + id, null, Map.of()).body()).path("meta").path("versionId")
          .asText();
      JsonNode found = json(send("GET", "/Patient?_id=" + id, null, Map.of()).body()).path("entry");
      String indexed = found.path(0).path("resource").path("meta").path("versionId").asText();
      if (found.size() != 1 || !indexed.equals(current)) {
        mismatches.add(id + ": table v" + current + ", search " + (found.size() == 1 ? "v" + indexed : found.size()
            + " matches"));
      }
    }
    // One resource per condition, and search finds exactly it.
    Map<String, List<String>> byCondition = new TreeMap<>();
    created.forEach(c -> byCondition.computeIfAbsent(c.split(" ")[0], k -> new ArrayList<>()).add(c.split(" ")[1]));
    for (Map.Entry<String, List<String>> c : byCondition.entrySet()) {
      JsonNode found = json(send("GET", "/Patient?identifier=" + enc("urn:soak|" + c.getKey()), null, Map.of())
          .body()).path("entry");
      if (c.getValue().size() != 1 || found.size() != 1
          || !found.path(0).path("resource").path("id").asText().equals(c.getValue().get(0))) {
        mismatches.add("identifier " + c.getKey() + ": created " + c.getValue() + ", search " + found.size());
      }
    }
    boolean ok = hangs == 0 && serverErrors == 0 && lost.isEmpty() && gaps.isEmpty() && mismatches.isEmpty()
        && failures.isEmpty();
    System.out.printf("soak invariants: hung=%d 5xx=%d acknowledged_writes=%d lost=%d histories=%d gaps=%d "
            + "index_mismatches=%d other_failures=%d -> %s%n", hangs, serverErrors, acknowledged.size(), lost.size(),
        SHARED, gaps.size(), mismatches.size(), failures.size() - hangs, ok ? "OK" : "FAILED");
    failures.stream().limit(10).forEach(f -> System.out.println("  failure: " + f));
    lost.stream().limit(10).forEach(f -> System.out.println("  lost: " + f));
    gaps.stream().limit(10).forEach(f -> System.out.println("  gap: " + f));
    mismatches.stream().limit(10).forEach(f -> System.out.println("  index: " + f));
    return ok;
  }

  // ---------------------------------------------------------------- plumbing

  private static String patient(String id, String family, String identifier) {
    return "{\"resourceType\":\"Patient\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
        + (identifier == null ? "" : ",\"identifier\":[{\"system\":\"urn:soak\",\"value\":\"" + identifier + "\"}]")
        + ",\"name\":[{\"family\":\"" + family + "\"}]}";
  }

  private boolean expect(HttpResponse<String> r, int... allowed) {
    if (r == null) {
      return false; // counted as a hang already
    }
    for (int s : allowed) {
      if (r.statusCode() == s) {
        return true;
      }
    }
    failures.add(r.request().method() + " " + r.request().uri().getPath() + " -> " + r.statusCode() + " "
        + r.body().substring(0, Math.min(200, r.body().length())));
    return false;
  }

  /** The response, or null (recorded as a hang) when none came within 30 s. */
  private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(HANG)
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/fhir+json");
    }
    headers.forEach(b::header);
    long t = System.nanoTime();
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      latencies.add(System.nanoTime() - t);
      statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
      return r;
    } catch (HttpTimeoutException e) {
      failures.add(method + " " + path + ": no answer within " + HANG.toSeconds() + " s");
      return null;
    } catch (IOException e) {
      failures.add(method + " " + path + ": " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static double percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
