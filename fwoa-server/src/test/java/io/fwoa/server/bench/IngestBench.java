package io.fwoa.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Ingest of a Synthea population (bench/synthea.sh) over HTTP into the running local stack. The
 * hospital and practitioner bundles go first, then the patient bundles, each split into
 * transactions of at most 1,000 entries. Two ways to keep the parts valid:
 *
 * <ul>
 *   <li>{@code put}: every {@code POST} entry with a {@code urn:uuid:} fullUrl becomes
 *       {@code PUT Type/<uuid>} and every reference to such a fullUrl becomes {@code Type/<uuid>},
 *       so each part stands alone; C clients take the parts in order from one queue.
 *   <li>{@code post} (default): the entries stay Synthea's conditional and plain creates; a client sends the
 *       parts of one bundle in order and points the references to earlier parts at the locations
 *       the server gave them (what a loader does without choosing ids). C clients take whole
 *       bundles, largest first.
 * </ul>
 *
 * Conditional references ({@code Organization?identifier=...}) are kept and resolve against the
 * information bundles loaded first. Prints resources/s over the wall time and p50/p99 per
 * transaction, then checks that every acknowledged resource reads back at its location and that
 * search counts each type as sent; exits 1 otherwise.
 *
 * <p>With BENCH_STACK_PID set (Linux), also prints the CPU seconds the stack's JVM (by thread),
 * its Node.js emulators and this client spent during the timed load.
 */
public final class IngestBench {

  static final int MAX_ENTRIES = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String URN = "urn:uuid:";

  /** How a bundle's parts stay valid on their own (see the class comment). */
  enum Method { PUT, POST }

  /**
   * One transaction to send: its entries (POST: references to earlier parts are rewritten when it
   * is sent), and the Type/uuid of each entry.
   */
  record Part(String source, ObjectNode bundle, List<String> keys) {}

  /** A sent transaction: what it was, how long it took, and the server's answer. */
  private record Sent(Part part, long nanos, int status, String body) {}

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private IngestBench(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Method method = Method.valueOf((args.length > 2 ? args[2] : "post").toUpperCase(java.util.Locale.ROOT));
    IngestBench bench = new IngestBench(System.getenv("BENCH_BASE_URL"), System.getenv("BENCH_TOKEN"));
    String stackPid = System.getenv("BENCH_STACK_PID");
    System.exit(bench.run(dir, clients, method, stackPid == null ? -1 : Long.parseLong(stackPid)) ? 0 : 1);
  }

  private boolean run(Path dir, int clients, Method method, long stackPid) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    // Units of work: a client sends the parts of a unit in order. Hospitals before practitioners:
    // PractitionerRoles name their Organization and Location.
    List<List<Part>> info = new ArrayList<>();
    List<List<Part>> patients = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      boolean isInfo = name.startsWith("hospitalInformation") || name.startsWith("practitionerInformation");
      List<Part> parts = split(name, JSON.readTree(f.toFile()), MAX_ENTRIES, method);
      List<List<Part>> units = isInfo ? info : patients;
      if (method == Method.POST) {
        units.add(parts);
      } else {
        parts.forEach(p -> units.add(List.of(p)));
      }
    }
    info.sort(Comparator.comparing(u -> u.get(0).source().startsWith("practitioner")));
    if (method == Method.POST) {
      // Whole bundles per client: the largest first, so that no client is left with one at the end.
      patients.sort(Comparator.comparingInt((List<Part> u) -> u.stream().mapToInt(p -> p.keys().size()).sum())
          .reversed());
    }
    List<Part> all = new ArrayList<>();
    concat(info, patients).forEach(all::addAll);
    Map<String, Integer> expected = new TreeMap<>();
    Set<String> keys = new LinkedHashSet<>();
    for (Part p : all) {
      for (String k : p.keys()) {
        if (keys.add(k)) {
          expected.merge(k.substring(0, k.indexOf('/')), 1, Integer::sum);
        }
      }
    }
    long entries = all.stream().mapToLong(p -> p.keys().size()).sum();
    System.out.printf("prepared files=%d transactions=%d resources=%d distinct=%d method=%s%n", files.size(),
        all.size(), entries, keys.size(), method.name().toLowerCase(java.util.Locale.ROOT));
    Map<String, Long> before = counts(expected.keySet());

    ExecutorService pool = Executors.newFixedThreadPool(clients);
    String load0 = loadAverage();
    ProcessCpu cpu0 = ProcessCpu.sample(stackPid);
    Instant start = Instant.now();
    long t0 = System.nanoTime();
    List<Sent> sent = new ArrayList<>(send(pool, info, method));
    sent.addAll(send(pool, patients, method));
    double seconds = (System.nanoTime() - t0) / 1e9;
    ProcessCpu cpu1 = ProcessCpu.sample(stackPid);
    long[] ms = sent.stream().mapToLong(s -> s.nanos() / 1_000_000).sorted().toArray();
    System.out.printf("ingest clients=%d resources=%d transactions=%d seconds=%.1f res/s=%.0f p50_ms=%d p99_ms=%d%n",
        clients, entries, sent.size(), seconds, entries / seconds, ms[ms.length / 2],
        ms[Math.min(ms.length - 1, (int) Math.ceil(ms.length * 0.99) - 1)]);
    // Other work on the machine skews the numbers: say how busy it was. The window is for profiles.
    System.out.println("load_average before=" + load0 + " after=" + loadAverage() + " window=" + start + ".."
        + Instant.now());
    if (stackPid > 0) {
      System.out.println(cpu1.minus(cpu0).describe(seconds));
    }

    List<String> failures = new ArrayList<>();
    List<String> locations = new ArrayList<>();
    for (Sent s : sent) {
      acknowledged(s, method, locations, failures);
    }
    List<String> unreadable = vread(locations);
    pool.shutdown();
    failures.addAll(unreadable);
    Map<String, Long> after = counts(expected.keySet());
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      long added = after.get(e.getKey()) - before.get(e.getKey());
      if (added != e.getValue()) {
        failures.add(e.getKey() + "?_summary=count grew by " + added + ", sent " + e.getValue());
      }
    }
    System.out.printf("verify acknowledged=%d vread_ok=%d types=%d failures=%d%n", locations.size(),
        locations.size() - unreadable.size(), expected.size(), failures.size());
    failures.stream().limit(20).forEach(f -> System.out.println("  FAIL " + f));
    return failures.isEmpty();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + "," + f[1] + "," + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * Splits one Synthea transaction bundle into transactions of at most {@code max} entries (see the
   * class comment).
   */
  static List<Part> split(String source, JsonNode bundle, int max, Method method) {
    Map<String, String> literal = new HashMap<>();
    for (JsonNode e : bundle.path("entry")) {
      String fullUrl = e.path("fullUrl").asText("");
      if (!fullUrl.startsWith(URN) || !"POST".equals(e.path("request").path("method").asText())) {
        // Synthea writes nothing else; anything else could not be split safely.
        throw new IllegalArgumentException(source + ": an entry is not a POST with a urn:uuid fullUrl: "
            + e.path("request"));
      }
      literal.put(fullUrl, e.path("resource").path("resourceType").asText() + "/" + fullUrl.substring(URN.length()));
    }
    List<Part> parts = new ArrayList<>();
    ArrayNode chunk = JSON.createArrayNode();
    List<String> keys = new ArrayList<>();
    for (JsonNode e : bundle.path("entry")) {
      ObjectNode entry = (ObjectNode) e.deepCopy();
      String key = literal.get(entry.path("fullUrl").asText());
      keys.add(key);
      if (method == Method.PUT) {
        ObjectNode resource = (ObjectNode) entry.get("resource");
        resource.put("id", key.substring(key.indexOf('/') + 1));
        entry.remove("fullUrl");
        ObjectNode request = entry.putObject("request");
        request.put("method", "PUT");
        request.put("url", key);
        rewrite(resource, literal);
      }
      chunk.add(entry);
      if (chunk.size() == max) {
        parts.add(part(source, chunk, keys));
        chunk = JSON.createArrayNode();
        keys = new ArrayList<>();
      }
    }
    if (!chunk.isEmpty()) {
      parts.add(part(source, chunk, keys));
    }
    return parts;
  }

  private static Part part(String source, ArrayNode entries, List<String> keys) {
    ObjectNode tx = JSON.createObjectNode();
    tx.put("resourceType", "Bundle");
    tx.put("type", "transaction");
    tx.set("entry", entries);
    return new Part(source, tx, List.copyOf(keys));
  }

  /** Points every reference that is a key of {@code literal} (a fullUrl) at its value. */
  private static void rewrite(JsonNode node, Map<String, String> literal) {
    if (node instanceof ObjectNode o) {
      JsonNode ref = o.get("reference");
      if (ref != null && ref.isTextual() && literal.containsKey(ref.asText())) {
        o.put("reference", literal.get(ref.asText()));
      }
      o.elements().forEachRemaining(child -> rewrite(child, literal));
    } else if (node instanceof ArrayNode a) {
      a.elements().forEachRemaining(child -> rewrite(child, literal));
    }
  }

  /**
   * Sends the units from the pool's clients, each unit's parts in order, and waits for all of them.
   * PUT bodies are encoded before the clock starts; POST bodies when sent, after pointing
   * references to the unit's earlier parts at the locations the server gave them.
   */
  private List<Sent> send(ExecutorService pool, List<List<Part>> units, Method method) throws Exception {
    Map<Part, byte[]> encoded = new HashMap<>();
    if (method == Method.PUT) {
      for (List<Part> u : units) {
        for (Part p : u) {
          encoded.put(p, JSON.writeValueAsBytes(p.bundle()));
        }
      }
    }
    List<Callable<List<Sent>>> tasks = new ArrayList<>();
    for (List<Part> unit : units) {
      tasks.add(() -> {
        List<Sent> out = new ArrayList<>();
        Map<String, String> located = new HashMap<>();
        for (Part p : unit) {
          byte[] body = encoded.get(p);
          if (body == null) {
            if (!located.isEmpty()) {
              rewrite(p.bundle(), located);
            }
            body = JSON.writeValueAsBytes(p.bundle());
          }
          long t = System.nanoTime();
          HttpResponse<String> r = http.send(request(base).header("Content-Type", "application/fhir+json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
          Sent s = new Sent(p, System.nanoTime() - t, r.statusCode(), r.body());
          out.add(s);
          if (method == Method.POST && r.statusCode() == 200) {
            JsonNode answered = JSON.readTree(r.body()).path("entry");
            for (int i = 0; i < p.keys().size() && i < answered.size(); i++) {
              String location = answered.get(i).path("response").path("location").asText("");
              String key = p.keys().get(i);
              located.put(URN + key.substring(key.indexOf('/') + 1), location.replaceFirst("/_history/.*", ""));
            }
          }
        }
        return out;
      });
    }
    List<Sent> done = new ArrayList<>();
    for (Future<List<Sent>> f : pool.invokeAll(tasks)) {
      done.addAll(f.get());
    }
    return done;
  }

  private HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(300))
        .header("Authorization", "Bearer " + token);
  }

  /** Collects the locations of a transaction's entries; a failed transaction or entry is a failure. */
  private static void acknowledged(Sent s, Method method, List<String> locations, List<String> failures)
      throws IOException {
    if (s.status() != 200) {
      failures.add(s.part().source() + ": transaction answered " + s.status() + ": "
          + s.body().substring(0, Math.min(300, s.body().length())));
      return;
    }
    JsonNode entries = JSON.readTree(s.body()).path("entry");
    List<String> keys = s.part().keys();
    if (entries.size() != keys.size()) {
      failures.add(s.part().source() + ": " + entries.size() + " response entries for " + keys.size());
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      JsonNode response = entries.get(i).path("response");
      String location = response.path("location").asText("");
      String key = keys.get(i);
      String expect = method == Method.PUT ? key + "/_history/" : key.substring(0, key.indexOf('/') + 1);
      if (!response.path("status").asText().startsWith("20") || !location.startsWith(expect)
          || !location.contains("/_history/")) {
        failures.add(s.part().source() + ": entry " + i + " (" + keys.get(i) + ") answered " + response);
      } else {
        locations.add(location);
      }
    }
  }

  /** Reads every location (Type/id/_history/n); returns those that did not answer 200. */
  private List<String> vread(List<String> locations) throws Exception {
    ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    List<Callable<Void>> readers = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      readers.add(() -> {
        for (int i = next.getAndIncrement(); i < locations.size(); i = next.getAndIncrement()) {
          String location = locations.get(i);
          HttpResponse<Void> r = http.send(request(base + "/" + location).GET().build(),
              HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() != 200) {
            bad.add(location + " answered " + r.statusCode());
          }
        }
        return null;
      });
    }
    ExecutorService readPool = Executors.newFixedThreadPool(readers.size());
    for (Future<Void> f : readPool.invokeAll(readers)) {
      f.get();
    }
    readPool.shutdown();
    return new ArrayList<>(bad);
  }

  private Map<String, Long> counts(Set<String> types) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    for (String type : types) {
      HttpResponse<String> r = http.send(request(base + "/" + type + "?_summary=count").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(type + "?_summary=count answered " + r.statusCode() + ": " + r.body());
      }
      counts.put(type, JSON.readTree(r.body()).path("total").asLong(-1));
    }
    return counts;
  }

  /**
   * CPU time from /proc (Linux, clock ticks of 10 ms): the stack JVM's threads grouped by name,
   * the JVM in all, each of its child processes (the Node.js emulators) with their descendants,
   * and this process.
   */
  private record ProcessCpu(Map<String, Long> ticks) {

    static ProcessCpu sample(long stackPid) {
      Map<String, Long> ticks = new TreeMap<>();
      if (stackPid <= 0) {
        return new ProcessCpu(ticks);
      }
      ticks.put("client", stat(Path.of("/proc/self/stat"), false));
      ticks.put("stack-jvm", stat(Path.of("/proc/" + stackPid + "/stat"), false));
      try (Stream<Path> tasks = Files.list(Path.of("/proc/" + stackPid + "/task"))) {
        tasks.forEach(t -> ticks.merge("jvm:" + threadGroup(comm(t.resolve("stat"))), stat(t.resolve("stat"), false),
            Long::sum));
      } catch (IOException e) {
        // the stack is gone: nothing to report
      }
      for (long child : children(stackPid)) {
        String cmd = read(Path.of("/proc/" + child + "/cmdline")).replace('\0', ' ');
        String name = cmd.contains("dynalite") ? "dynalite" : cmd.contains("s3rver") ? "s3rver"
            : cmd.contains("cognito") ? "cognito-local" : "child-" + child;
        ticks.merge(name, tree(child), Long::sum);
      }
      return new ProcessCpu(ticks);
    }

    ProcessCpu minus(ProcessCpu earlier) {
      Map<String, Long> d = new TreeMap<>();
      ticks.forEach((k, v) -> d.put(k, v - earlier.ticks().getOrDefault(k, 0L)));
      return new ProcessCpu(d);
    }

    /** The processes, then the JVM's busiest thread groups, as CPU seconds and share of one core. */
    String describe(double wallSeconds) {
      StringBuilder s = new StringBuilder("cpu_s");
      ticks.entrySet().stream().filter(e -> !e.getKey().startsWith("jvm:"))
          .forEach(e -> s.append(String.format(" %s=%.1f", e.getKey(), e.getValue() / 100.0)));
      s.append(String.format(" (wall %.1f)%ncpu_s stack-jvm threads:", wallSeconds));
      ticks.entrySet().stream().filter(e -> e.getKey().startsWith("jvm:") && e.getValue() > 0)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
          .forEach(e -> s.append(String.format(" %s=%.1f", e.getKey().substring(4), e.getValue() / 100.0)));
      return s.toString();
    }

    private static long tree(long pid) {
      long sum = stat(Path.of("/proc/" + pid + "/stat"), true);
      for (long child : children(pid)) {
        sum += tree(child);
      }
      return sum;
    }

    private static List<Long> children(long pid) {
      List<Long> out = new ArrayList<>();
      try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
        tasks.forEach(t -> Arrays.stream(read(t.resolve("children")).trim().split("\\s+"))
            .filter(x -> !x.isEmpty()).forEach(x -> out.add(Long.parseLong(x))));
      } catch (IOException e) {
        // exited
      }
      return out;
    }

    /** utime + stime (+ cutime + cstime for a whole process tree's waited-for children). */
    private static long stat(Path file, boolean withChildren) {
      String s = read(file);
      if (s.isEmpty()) {
        return 0;
      }
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    }

    private static String comm(Path stat) {
      String s = read(stat);
      return s.isEmpty() ? "?" : s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
    }

    /** A thread name without its numbers, so that a pool's threads add up. */
    private static String threadGroup(String comm) {
      return comm.replaceAll("[0-9]+", "#").replace(' ', '_');
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        return "";
      }
    }
  }
}
