package io.fwoa.server.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.fwoa.server.api.FhirApi;
import io.fwoa.server.binary.S3BinaryStore;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.fhir.ParsedResources;
import io.fwoa.server.lambda.FhirApiHandler;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.search.opensearch.SearchIndex;
import io.fwoa.server.search.stream.StreamIndexer;
import io.fwoa.server.storage.dynamo.DynamoResourceStore;
import io.fwoa.server.storage.dynamo.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The whole FHIR service on one machine, no AWS account: dynalite (DynamoDB), s3rver (S3) and
 * cognito-local (Cognito) as Node.js processes on free 127.0.0.1 ports, and the FHIR API on
 * 127.0.0.1 through the Lambda handler. Used by {@code fwoa:run} and by the end-to-end tests.
 */
public final class LocalFhirServer implements AutoCloseable {

  public static final String TABLE = "fwoa-local-resources";
  public static final String BUCKET = "fwoa-local-binary";

  /**
   * @param dataDirectory where the emulators keep data between runs, or null for in-memory data
   *     (DynamoDB in memory; S3 and Cognito in a temporary directory removed on close)
   * @param port FHIR API port on 127.0.0.1, 0 for any free port
   * @param cacheDirectory where the emulators are installed (npm ci from the shipped lock file)
   * @param clean delete the data directory first
   * @param extraEnvironment further server settings (e.g. ENABLE_MULTI_TENANCY, MAX_BUNDLE_ENTRIES)
   */
  public record Options(Path dataDirectory, int port, Path cacheDirectory, boolean clean,
      Map<String, String> extraEnvironment, LocalLog log, UnaryOperator<StreamHandler> streamHandler) {

    public Options {
      extraEnvironment = extraEnvironment == null ? Map.of() : Map.copyOf(extraEnvironment);
      log = log == null ? LocalLog.SILENT : log;
      cacheDirectory = cacheDirectory == null ? NpmPackages.defaultCacheDirectory() : cacheDirectory;
      streamHandler = streamHandler == null ? UnaryOperator.identity() : streamHandler;
    }

    public Options(Path dataDirectory, int port, Path cacheDirectory, boolean clean,
        Map<String, String> extraEnvironment, LocalLog log) {
      this(dataDirectory, port, cacheDirectory, clean, extraEnvironment, log, null);
    }

    public static Options inMemory() {
      return new Options(null, 0, null, false, Map.of(), LocalLog.SILENT);
    }

    /** The same, with the stream handler wrapped (tests: observe, hold up or fail indexing). */
    public Options withStreamHandler(UnaryOperator<StreamHandler> wrap) {
      return new Options(dataDirectory, port, cacheDirectory, clean, extraEnvironment, log, wrap);
    }
  }

  /** What indexes the table's stream records (the stream Lambda's handler). */
  public interface StreamHandler extends RequestHandler<DynamodbEvent, StreamsEventResponse> {}

  /** The warn-code of the Warning header of a response whose changes are stored but not yet searchable. */
  static final String WARNING_PREFIX = "199 fwoa ";
  /** Written at an orderly stop when the index holds every change of the table; see {@link #boot}. */
  static final String INDEX_CLEAN_MARKER = "index-clean";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final Path tempDirectory;
  private ServerConfig config;
  private LocalCognito cognito;
  private LocalHttpServer http;
  private NodeProcess dynalite;
  private NodeProcess s3rver;
  private NodeProcess cognitoLocal;
  private EmbeddedOpenSearch openSearch;
  private SearchIndex searchIndex;
  private volatile LocalStreams streams;
  private StreamQueue queue;
  private LocalLog log = LocalLog.SILENT;
  private IndexCatchUp.Result catchUp;
  private boolean indexBehind;
  private Path dataDirectory;
  private Path modules;

  private LocalFhirServer(Path tempDirectory) {
    this.tempDirectory = tempDirectory;
  }

  public static LocalFhirServer start(Options options) {
    Path temp = null;
    try {
      if (options.dataDirectory() == null) {
        temp = Files.createTempDirectory("fwoa-local-");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalFhirServer server = new LocalFhirServer(temp);
    try {
      server.boot(options);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void boot(Options o) {
    log = o.log();
    Path data = o.dataDirectory() != null ? o.dataDirectory() : tempDirectory;
    this.dataDirectory = data;
    try {
      if (o.clean() && o.dataDirectory() != null && Files.exists(data)) {
        log.info("Deleting local data in " + data + " (fwoa.clean)");
        deleteRecursively(data);
      }
      Files.createDirectories(data.resolve("s3"));
      Files.createDirectories(data.resolve("cognito"));
      Files.createDirectories(data.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare " + data, e);
    }
    modules = NpmPackages.install(LocalFhirServer.class.getClassLoader(), "io/fwoa/server/local/emulators",
        "emulators", o.cacheDirectory(), log);

    int dynamoPort = NodeProcess.freePort();
    List<String> dynamoArgs = new java.util.ArrayList<>(List.of("--host", "127.0.0.1", "--port",
        Integer.toString(dynamoPort), "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"));
    if (o.dataDirectory() != null) {
      dynamoArgs.add("--path");
      dynamoArgs.add(data.resolve("dynamodb").toString());
    }
    dynalite = track(NodeProcess.start("dynalite", modules.resolve("dynalite/cli.js"), dynamoArgs, data, Map.of(),
        data.resolve("logs/dynalite.log"), dynamoPort));

    int s3Port = NodeProcess.freePort();
    s3rver = track(NodeProcess.start("s3rver", modules.resolve("s3rver/bin/s3rver.js"),
        List.of("-d", data.resolve("s3").toString(), "-a", "127.0.0.1", "-p", Integer.toString(s3Port), "--silent"),
        data, Map.of(), data.resolve("logs/s3rver.log"), s3Port));

    int cognitoPort = NodeProcess.freePort();
    cognitoLocal = track(NodeProcess.start("cognito-local", modules.resolve("cognito-local/lib/bin/start.js"),
        List.of(), data.resolve("cognito"), Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(cognitoPort)),
        data.resolve("logs/cognito-local.log"), cognitoPort));

    cognito = track(LocalCognito.provision(cognitoLocal.endpoint(), data.resolve("local-stack.json")));

    Map<String, String> env = new HashMap<>();
    env.put(ServerConfig.RESOURCE_TABLE, TABLE);
    env.put(ServerConfig.FHIR_BINARY_BUCKET, BUCKET);
    env.put(ServerConfig.AWS_REGION, "us-east-1");
    env.put(ServerConfig.DYNAMODB_ENDPOINT, dynalite.endpoint());
    env.put(ServerConfig.S3_ENDPOINT, s3rver.endpoint());
    env.put(ServerConfig.USER_POOL_ID, cognito.poolId());
    env.put(ServerConfig.USER_POOL_APP_CLIENT_ID, cognito.clientId());
    env.put(ServerConfig.COGNITO_ISSUER, cognitoLocal.endpoint() + "/" + cognito.poolId());
    env.put(ServerConfig.LOG_LEVEL, "info");
    env.putAll(o.extraEnvironment());
    config = ServerConfig.fromEnvironment(env);

    try (DynamoDbClient dynamo = ServerFactory.dynamo(config)) {
      TableSchema.createIfMissing(dynamo, TABLE);
    }
    try (S3Client s3 = ServerFactory.s3Client(config)) {
      s3.createBucket(b -> b.bucket(BUCKET));
    } catch (BucketAlreadyOwnedByYouException e) {
      // kept from an earlier run
    } catch (S3Exception e) {
      if (e.statusCode() != 409) {
        throw e;
      }
    }

    // Search: the embedded OpenSearch node; the writes of each request are fed to the stream
    // handler (LocalStreams) before its response is sent, so searches see them at once (the index
    // refreshes what was written when the next search comes).
    openSearch = track(EmbeddedOpenSearch.start(o.dataDirectory() != null ? data.resolve("opensearch") : null));
    searchIndex = track(LocalSearch.connect(openSearch.endpoint()));
    S3BinaryStore overflow = new S3BinaryStore(() -> ServerFactory.s3Client(config), () -> null, BUCKET, null);
    StreamIndexHandler indexHandler = new StreamIndexHandler(new StreamIndexer(searchIndex, config.hardDelete(), true,
        overflow));
    StreamHandler streamHandler = o.streamHandler().apply(indexHandler::handleRequest);
    queue = new StreamQueue(streamHandler);

    // Transactions an earlier run left half-done: publishing them writes through the stream too.
    try (LocalStreams recovering = new LocalStreams(ServerFactory.dynamo(config), queue);
        DynamoResourceStore store = new DynamoResourceStore(recovering, TABLE, null)) {
      int recovered = store.recoverAbandonedTransactions();
      if (recovered > 0) {
        log.warn("Recovered " + recovered + " transaction(s) left half-done by an earlier run");
        queue.flushAll();
      }
    }
    if (o.dataDirectory() != null) {
      catchUpIndex(data, streamHandler);
    }
    // The final flush and the marker: after the API stops (closed before this), before the index.
    track(this::stopIndexing);

    // This server indexes each request's writes on the request's thread: reuse what it parsed.
    ParsedResources.enable();
    FhirApi api = ServerFactory.create(config, new ServerFactory.Overrides(
        dynamo -> streams = new LocalStreams(dynamo, queue), () -> searchIndex));
    FhirApiHandler handler = new FhirApiHandler(api);
    http = track(LocalHttpServer.start((event, context) -> {
      if (readOnly(event.getHttpMethod())) {
        // Nothing of its own to index, and no reason to wait for (or do) the indexing of writes
        // other requests are making: those answer after their own flush.
        return handler.handleRequest(event, context);
      }
      // Every write of this request is queued after this mark (see StreamQueue).
      long since = queue.mark();
      APIGatewayProxyResponseEvent response = null;
      try {
        response = handler.handleRequest(event, context);
        return response;
      } finally {
        StreamQueue.Flushed flushed = queue.flush(since);
        ParsedResources.clear();
        if (!flushed.ok() && response != null) {
          warn(response, flushed);
        }
      }
    }, o.port(), config.maxRequestBytes()));
  }

  /**
   * GET and HEAD write nothing: the store's readers never write (see the storage.dynamo package
   * documentation); recovering abandoned transactions is done by writers.
   */
  private static boolean readOnly(String method) {
    return "GET".equals(method) || "HEAD".equals(method);
  }

  /**
   * The response stays 2xx (the write is durable in the table) and says, in a Warning header,
   * that its changes are not searchable yet; later requests retry them.
   */
  private static void warn(APIGatewayProxyResponseEvent response, StreamQueue.Flushed flushed) {
    // A quoted-string of printable ASCII (what a header may carry).
    String reason = flushed.reason() == null ? "" : flushed.reason().replaceAll("[^\\x20-\\x7E]|[\"\\\\]", " ");
    if (reason.length() > 300) {
      reason = reason.substring(0, 300) + "...";
    }
    String value = WARNING_PREFIX + "\"" + flushed.unsearchable() + " change(s) are stored but not yet searchable: "
        + reason + "\"";
    Map<String, String> headers = new HashMap<>();
    if (response.getHeaders() != null) {
      headers.putAll(response.getHeaders());
    }
    headers.merge("Warning", value, (a, b) -> a + ", " + b);
    response.setHeaders(headers);
  }

  /**
   * Catches the index up with the table unless the last run stopped cleanly: the marker is
   * written by an orderly stop that indexed everything, and removed now, so a crash (or a stop
   * with changes left unindexed) before the next orderly stop is noticed at the next start.
   */
  private void catchUpIndex(Path data, StreamHandler streamHandler) {
    Path marker = data.resolve(INDEX_CLEAN_MARKER);
    boolean clean;
    try {
      clean = Files.deleteIfExists(marker);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not remove " + marker, e);
    }
    if (clean) {
      return;
    }
    log.info("The last run did not stop cleanly (or left changes unindexed): catching the search index up with "
        + "the table");
    try (DynamoDbClient dynamo = ServerFactory.dynamo(config)) {
      catchUp = new IndexCatchUp(dynamo, TABLE, searchIndex, streamHandler, log).run();
    }
    indexBehind = catchUp.failed() > 0;
    String summary = String.format("Search index caught up: %,d resource(s) checked, %,d re-indexed in %.1f s "
        + "(%,.0f resources/s)", catchUp.resources(), catchUp.indexed(), catchUp.millis() / 1000.0,
        catchUp.resourcesPerSecond());
    if (indexBehind) {
      log.warn(summary + "; " + catchUp.failed() + " could not be indexed (see the log; the next start tries again)");
    } else {
      log.info(summary);
    }
  }

  /**
   * Refuses further writes, indexes what is queued and, when the index then holds every change,
   * writes the marker that spares the next start a catch-up.
   */
  private void stopIndexing() {
    LocalStreams s = streams;
    boolean settled = s == null || s.stop(LocalHttpServer.STOP_GRACE_MILLIS);
    queue.flushAll();
    long unsearchable = queue.unsearchable();
    if (unsearchable > 0) {
      log.warn(unsearchable + " change(s) are stored but not searchable (see the log); the next start re-indexes "
          + "them from the table");
    }
    if (dataDirectory != null && tempDirectory == null && settled && queue.clean() && !indexBehind) {
      try {
        Files.writeString(dataDirectory.resolve(INDEX_CLEAN_MARKER), "The search index held every change of the "
            + "table when the server stopped.\n");
      } catch (IOException e) {
        log.warn("Could not write " + dataDirectory.resolve(INDEX_CLEAN_MARKER) + " (the next start will catch the "
            + "index up): " + e.getMessage());
      }
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.push(resource);
    return resource;
  }

  public String baseUrl() {
    return http.baseUrl();
  }

  public ServerConfig config() {
    return config;
  }

  public LocalCognito cognito() {
    return cognito;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** A fresh ID token of the local user of that group (practitioner, non-practitioner, auditor). */
  public String token(String user) {
    return cognito.idToken(user);
  }

  /** The node_modules directory the emulators run from. */
  public Path emulatorModules() {
    return modules;
  }

  public String dynamoEndpoint() {
    return dynalite.endpoint();
  }

  public String s3Endpoint() {
    return s3rver.endpoint();
  }

  public String cognitoEndpoint() {
    return cognitoLocal.endpoint();
  }

  /** The embedded OpenSearch node's HTTP endpoint. */
  public String searchEndpoint() {
    return openSearch.endpoint();
  }

  /**
   * Changes stored in the table that are not searchable: waiting for a retry after a failed
   * flush, or given up on (the next start re-indexes those).
   */
  public long unsearchableChanges() {
    return queue.unsearchable();
  }

  /** What the start's catch-up of the index did, or null when the last run had stopped cleanly. */
  public IndexCatchUp.Result startupCatchUp() {
    return catchUp;
  }

  /** The search index the server uses (for tests and tools). */
  public SearchIndex searchIndex() {
    return searchIndex;
  }

  /** Stops the FHIR API and every emulator (in reverse start order). */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // keep stopping the rest
      }
    }
    if (tempDirectory != null) {
      try {
        deleteRecursively(tempDirectory);
      } catch (IOException e) {
        // temp dir; the OS cleans it eventually
      }
    }
  }

  static void deleteQuietly(Path dir) {
    try {
      deleteRecursively(dir);
    } catch (IOException e) {
      // a temporary directory; the OS cleans it eventually
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
