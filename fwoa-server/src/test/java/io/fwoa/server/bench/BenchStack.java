package io.fwoa.server.bench;

import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the local stack for the benchmark scripts, creates one Patient, writes the environment a
 * fresh JVM needs to reach it (bench/cold-start.sh sources it), and runs until killed. Data is in
 * memory, or, given a data directory as the second argument, on disk (emptied first) as fwoa:run
 * keeps it.
 */
public final class BenchStack {

  private BenchStack() {}

  public static void main(String[] args) throws Exception {
    Path envFile = Path.of(args[0]);
    LocalFhirServer.Options options = args.length > 1
        ? new LocalFhirServer.Options(Path.of(args[1]), 0, null, true, Map.of(), null)
        : LocalFhirServer.Options.inMemory();
    LocalFhirServer server = LocalFhirServer.start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    String token = server.token("practitioner");
    String body = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Bench\"}],\"active\":true}").body();
    String id = body.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
    ServerConfig c = server.config();
    String env = String.join("\n",
        "export RESOURCE_TABLE=" + c.resourceTable().orElseThrow(),
        "export FHIR_BINARY_BUCKET=" + c.binaryBucket().orElseThrow(),
        "export DYNAMODB_ENDPOINT=" + c.dynamoDbEndpoint().orElseThrow(),
        "export S3_ENDPOINT=" + c.s3Endpoint().orElseThrow(),
        "export USER_POOL_ID=" + c.userPoolId().orElseThrow(),
        "export USER_POOL_APP_CLIENT_ID=" + c.userPoolClientId().orElseThrow(),
        "export COGNITO_ISSUER=" + c.cognitoIssuerUrl().orElseThrow(),
        "export AWS_REGION=us-east-1",
        "export BENCH_BASE_URL=" + server.baseUrl(),
        "export BENCH_TOKEN=" + token,
        "export BENCH_PATIENT_ID=" + id,
        "");
    Files.writeString(envFile, env);
    System.out.println("bench stack ready: " + server.baseUrl());
    new CountDownLatch(1).await();
  }
}
