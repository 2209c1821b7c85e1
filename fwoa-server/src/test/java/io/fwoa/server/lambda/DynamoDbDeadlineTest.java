package io.fwoa.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.LocalStack;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request never outlives the function: with DynamoDB that never answers, or that throttles
 * every call, the API answers 503 with Retry-After within about the time the Lambda has left.
 */
@ExtendWith(LocalStack.class)
class DynamoDbDeadlineTest {

  /** What the Lambda has left when the request arrives, beyond the handler's margin. */
  private static final long BUDGET_MILLIS = 1_500;

  private LocalFhirServer server;
  private ServerSocket endpoint;
  private final List<Socket> held = new ArrayList<>();
  private Thread acceptor;

  @BeforeEach
  void setUp(LocalFhirServer server) throws IOException {
    this.server = server;
    endpoint = new ServerSocket();
    endpoint.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void tearDown() throws IOException {
    endpoint.close();
    synchronized (held) {
      for (Socket s : held) {
        s.close();
      }
    }
    if (acceptor != null) {
      acceptor.interrupt();
    }
  }

  /** Accepts connections and never answers. */
  private void silent() {
    acceptor = new Thread(() -> {
      while (!endpoint.isClosed()) {
        try {
          Socket s = endpoint.accept();
          synchronized (held) {
            held.add(s);
          }
        } catch (IOException e) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers every request as DynamoDB does when it throttles. */
  private void throttling() {
    byte[] body = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\","
        + "\"message\":\"Rate of requests exceeds the allowed throughput.\"}").getBytes(StandardCharsets.UTF_8);
    acceptor = new Thread(() -> {
      while (!endpoint.isClosed()) {
        try (Socket s = endpoint.accept()) {
          readRequest(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: "
              + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        } catch (IOException e) {
          if (endpoint.isClosed()) {
            return;
          }
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void readRequest(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw);
    StringBuilder headers = new StringBuilder();
    while (!headers.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      headers.append((char) b);
    }
    int length = 0;
    for (String line : headers.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
  }

  private FhirApiHandler handler() {
    Map<String, String> env = new HashMap<>();
    env.put(ServerConfig.RESOURCE_TABLE, LocalFhirServer.TABLE);
    env.put(ServerConfig.AWS_REGION, "us-east-1");
    env.put(ServerConfig.DYNAMODB_ENDPOINT, "http://127.0.0.1:" + endpoint.getLocalPort());
    env.put(ServerConfig.USER_POOL_ID, server.cognito().poolId());
    env.put(ServerConfig.USER_POOL_APP_CLIENT_ID, server.cognito().clientId());
    env.put(ServerConfig.COGNITO_ISSUER, server.cognitoEndpoint() + "/" + server.cognito().poolId());
    return new FhirApiHandler(ServerFactory.create(ServerConfig.fromEnvironment(env)));
  }

  private APIGatewayProxyRequestEvent request(String method, String path, String body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Host", "127.0.0.1");
    headers.put("Authorization", "Bearer " + server.token("practitioner"));
    if (body != null) {
      headers.put("Content-Type", "application/fhir+json");
    }
    return new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path).withHeaders(headers)
        .withBody(body).withRequestContext(new ProxyRequestContext().withStage(""));
  }

  @ParameterizedTest(name = "DynamoDB {0}")
  @ValueSource(strings = {"never answers", "always throttles"})
  void requestsFailWith503WithinTheLambdasRemainingTime(String behaviour) {
    if (behaviour.equals("never answers")) {
      silent();
    } else {
      throttling();
    }
    FhirApiHandler handler = handler();
    String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
        + "{\"resourceType\":\"Patient\",\"id\":\"deadline-1\"},\"request\":{\"method\":\"PUT\",\"url\":"
        + "\"Patient/deadline-1\"}}]}";
    for (APIGatewayProxyRequestEvent event : List.of(request("GET", "/Patient/deadline-1", null),
        request("POST", "/Patient", "{\"resourceType\":\"Patient\"}"), request("POST", "/", transaction))) {
      long start = System.nanoTime();
      APIGatewayProxyResponseEvent response = assertTimeoutPreemptively(Duration.ofSeconds(20),
          () -> handler.handleRequest(event, remaining(FhirApiHandler.MARGIN_MILLIS + BUDGET_MILLIS)),
          "the request outlived the function");
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(503);
      assertThat(response.getHeaders()).containsEntry("Retry-After", "2");
      assertThat(response.getBody()).contains("OperationOutcome").contains("DynamoDB was too slow or throttled");
      // Within the budget, plus at most the rollback grace and a little slack: before the
      // function's own timeout (budget + margin).
      assertThat(tookMillis).as("%s %s took", event.getHttpMethod(), event.getPath())
          .isLessThan(BUDGET_MILLIS + FhirApiHandler.MARGIN_MILLIS);
    }
  }

  private static Context remaining(long millis) {
    long until = System.currentTimeMillis() + millis;
    return new Context() {
      @Override
      public String getAwsRequestId() {
        return "test";
      }

      @Override
      public String getLogGroupName() {
        return null;
      }

      @Override
      public String getLogStreamName() {
        return null;
      }

      @Override
      public String getFunctionName() {
        return "fhir-api";
      }

      @Override
      public String getFunctionVersion() {
        return "$LATEST";
      }

      @Override
      public String getInvokedFunctionArn() {
        return null;
      }

      @Override
      public CognitoIdentity getIdentity() {
        return null;
      }

      @Override
      public ClientContext getClientContext() {
        return null;
      }

      @Override
      public int getRemainingTimeInMillis() {
        return (int) (until - System.currentTimeMillis());
      }

      @Override
      public int getMemoryLimitInMB() {
        return 1024;
      }

      @Override
      public LambdaLogger getLogger() {
        return null;
      }
    };
  }
}
