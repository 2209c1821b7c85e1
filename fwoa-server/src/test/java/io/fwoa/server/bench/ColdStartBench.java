package io.fwoa.server.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.lambda.FhirApiHandler;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * One cold start, as the Lambda runtime does it: load and construct the handler (configuration
 * from the environment), then serve the first read of a Patient through it. Prints the times in
 * ms: JVM start to main, handler init, first read, and the total from JVM start.
 * Run in a fresh JVM on the shaded Lambda jar (bench/cold-start.sh).
 *
 * <p>With {@code BENCH_DYNAMO_CLIENT=sdk} the server reads through the AWS SDK's DynamoDB client
 * (ServerFactory.dynamo, URLConnection HTTP client) instead of its own LightDynamoDbClient, to
 * measure what that client saves; everything else is the same.
 */
public final class ColdStartBench {

  private ColdStartBench() {}

  public static void main(String[] args) {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainAt = System.currentTimeMillis();
    long t0 = System.nanoTime();
    boolean sdk = "sdk".equals(System.getenv("BENCH_DYNAMO_CLIENT"));
    FhirApiHandler handler = sdk ? sdkHandler() : new FhirApiHandler();
    long t1 = System.nanoTime();
    APIGatewayProxyRequestEvent read = new APIGatewayProxyRequestEvent()
        .withHttpMethod("GET")
        .withPath("/Patient/" + System.getenv("BENCH_PATIENT_ID"))
        .withPathParameters(Map.of("proxy", "Patient/" + System.getenv("BENCH_PATIENT_ID")))
        .withHeaders(Map.of("Host", "bench.invalid", "Authorization", "Bearer " + System.getenv("BENCH_TOKEN")))
        .withRequestContext(new ProxyRequestContext().withStage("dev"));
    APIGatewayProxyResponseEvent response = handler.handleRequest(read, null);
    long t2 = System.nanoTime();
    if (response.getStatusCode() != 200) {
      throw new IllegalStateException("first read returned " + response.getStatusCode() + ": " + response.getBody());
    }
    long total = (mainAt - jvmStart) + (t2 - t0) / 1_000_000;
    System.out.printf("client=%s jvm_to_main_ms=%d handler_init_ms=%d first_read_ms=%d total_ms=%d%n",
        sdk ? "sdk" : "light", mainAt - jvmStart, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, total);
  }

  /** The handler as the runtime builds it, but storage on the SDK's DynamoDB client. */
  private static FhirApiHandler sdkHandler() {
    ServerConfig config = ServerConfig.fromEnvironment(System.getenv());
    FhirApiHandler handler = new FhirApiHandler(ServerFactory.create(config,
        new ServerFactory.Overrides(light -> ServerFactory.dynamo(config), null)));
    org.crac.Core.getGlobalContext(); // the runtime's constructor registers SnapStart priming: same classes
    return handler;
  }
}
