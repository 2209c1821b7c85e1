package io.fwoa.server.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fwoa.server.lambda.FhirApiHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP on 127.0.0.1 in front of the Lambda handler: each request becomes the API Gateway proxy
 * event API Gateway would send (path, headers, multi-value query, body), is handled by {@link
 * FhirApiHandler}, and the proxy response becomes the HTTP response. Local and cloud therefore
 * run the same code from the event on.
 */
public final class LocalHttpServer implements AutoCloseable {

  /** How long stopping waits for requests in progress (a request's own deadline is 25 s). */
  static final long STOP_GRACE_MILLIS = 30_000;

  private final HttpServer server;
  private final ExecutorService executor;
  private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;
  private final int maxBodyBytes;
  /** Requests being served; {@link #close} lets them finish so their writes reach the index. */
  private final AtomicInteger serving = new AtomicInteger();
  private volatile boolean stopping;

  private LocalHttpServer(HttpServer server, ExecutorService executor,
      RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler, int maxBodyBytes) {
    this.server = server;
    this.executor = executor;
    this.handler = handler;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Binds 127.0.0.1:port (0 for any free port) and starts serving. */
  public static LocalHttpServer start(RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
      int port, int maxBodyBytes) {
    // Without TCP_NODELAY small responses wait for the client's delayed ACK (~40 ms each).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(NodeProcess.loopback(), port), 64);
    } catch (BindException e) {
      throw new LocalStackException("Port " + port + " on 127.0.0.1 is in use: stop what uses it or pick another "
          + "port (-Dfwoa.port=...)", e);
    } catch (IOException e) {
      throw new LocalStackException("Could not listen on 127.0.0.1:" + port, e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "fwoa-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    LocalHttpServer local = new LocalHttpServer(server, executor, handler, maxBodyBytes);
    server.createContext("/", local::serve);
    server.setExecutor(executor);
    server.start();
    return local;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  private void serve(HttpExchange exchange) throws IOException {
    serving.incrementAndGet();
    try (exchange) {
      APIGatewayProxyResponseEvent response;
      byte[] body = stopping ? new byte[0] : read(exchange.getRequestBody());
      int invalidAt;
      if (stopping) {
        // Read after the count was raised, so close() either waits for this request or it is refused.
        response = outcome(503, "transient", "The server is stopping");
      } else if (body == null) {
        response = outcome(413, "too-long", "The request body exceeds " + maxBodyBytes + " bytes");
      } else if (FhirApiHandler.isText(exchange.getRequestHeaders().getFirst("Content-Type"))
          && (invalidAt = invalidUtf8(body)) >= 0) {
        // Decoding would turn the bytes into U+FFFD and store the damage.
        response = outcome(400, "invalid", "The request body is not valid UTF-8 (at byte " + invalidAt + ")");
      } else {
        response = handler.handleRequest(toEvent(exchange, body), null);
      }
      byte[] out = response.getBody() == null ? null : response.getBody().getBytes(StandardCharsets.UTF_8);
      if (response.getHeaders() != null) {
        response.getHeaders().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      }
      int status = response.getStatusCode();
      boolean noBody = out == null || status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, noBody ? -1 : out.length);
      if (!noBody) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } finally {
      if (serving.decrementAndGet() == 0 && stopping) {
        synchronized (serving) {
          serving.notifyAll();
        }
      }
    }
  }

  private static APIGatewayProxyResponseEvent outcome(int status, String code, String diagnostics) {
    return new APIGatewayProxyResponseEvent().withStatusCode(status)
        .withHeaders(Map.of("Content-Type", "application/fhir+json; charset=utf-8"))
        .withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
            + "\",\"diagnostics\":\"" + diagnostics + "\"}]}");
  }

  /** The offset of the first byte that is not valid UTF-8, or -1. */
  static int invalidUtf8(byte[] body) {
    java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(body);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
    while (true) {
      java.nio.charset.CoderResult r = decoder.decode(in, out, true);
      if (r.isError()) {
        return in.position();
      }
      if (r.isUnderflow()) {
        return decoder.flush(out).isError() ? in.position() : -1;
      }
      out.clear();
    }
  }

  /** The body, or null when it is larger than allowed (the rest is drained so the client reads our 413). */
  private byte[] read(InputStream in) throws IOException {
    byte[] data = in.readNBytes(maxBodyBytes + 1);
    if (data.length > maxBodyBytes) {
      byte[] sink = new byte[64 * 1024];
      long drained = 0;
      int n;
      while (drained < 256L * 1024 * 1024 && (n = in.read(sink)) != -1) {
        drained += n;
      }
      return null;
    }
    return data;
  }

  static APIGatewayProxyRequestEvent toEvent(HttpExchange exchange, byte[] body) {
    Map<String, String> headers = new HashMap<>();
    Map<String, List<String>> multiHeaders = new HashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> {
      if (!v.isEmpty()) {
        headers.put(k, v.get(v.size() - 1));
        multiHeaders.put(k, new ArrayList<>(v));
      }
    });
    // What API Gateway adds: the client's scheme.
    headers.put("X-Forwarded-Proto", "http");
    Map<String, List<String>> multiQuery = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        multiQuery.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    Map<String, String> query = new LinkedHashMap<>();
    multiQuery.forEach((k, v) -> query.put(k, v.get(v.size() - 1)));
    String path = exchange.getRequestURI().getPath();
    // As API Gateway does for binary media types: non-text bodies travel base64-encoded.
    boolean text = FhirApiHandler.isText(exchange.getRequestHeaders().getFirst("Content-Type"));
    APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
        .withHttpMethod(exchange.getRequestMethod())
        .withPath(path)
        .withResource("/{proxy+}")
        .withHeaders(headers)
        .withMultiValueHeaders(multiHeaders)
        .withQueryStringParameters(query.isEmpty() ? null : query)
        .withMultiValueQueryStringParameters(multiQuery.isEmpty() ? null : multiQuery)
        .withBody(body.length == 0 ? null
            : text ? new String(body, StandardCharsets.UTF_8) : java.util.Base64.getEncoder().encodeToString(body))
        .withIsBase64Encoded(!text && body.length > 0)
        .withRequestContext(new ProxyRequestContext().withStage(""));
    if (path.length() > 1) {
      event.setPathParameters(Map.of("proxy", path.substring(1)));
    }
    return event;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /**
   * Refuses new requests (503), lets those being served finish (at most {@value #STOP_GRACE_MILLIS}
   * ms: a write the table took is then flushed to the index and answered), then stops.
   */
  @Override
  public void close() {
    stopping = true;
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
    synchronized (serving) {
      long left;
      while (serving.get() > 0 && (left = (until - System.nanoTime()) / 1_000_000) > 0) {
        try {
          serving.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    server.stop(0);
    executor.shutdownNow();
  }
}
