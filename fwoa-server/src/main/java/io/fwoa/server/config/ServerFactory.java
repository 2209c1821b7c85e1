package io.fwoa.server.config;

import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.api.FhirApi;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.Authenticator;
import io.fwoa.server.auth.CognitoAuthenticator;
import io.fwoa.server.auth.RbacAuthorizer;
import io.fwoa.server.binary.S3BinaryStore;
import io.fwoa.server.conditional.StorageConditionalResolver;
import io.fwoa.server.interaction.Interactions;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.dynamo.DynamoResourceStore;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Where configuration becomes a running FHIR API: clients, storage, auth. */
public final class ServerFactory {

  /** Credentials the local emulators accept (s3rver insists on these). */
  public static final String LOCAL_DYNAMO_KEY = "fwoa-local";
  public static final String LOCAL_S3_KEY = "S3RVER";

  private ServerFactory() {}

  public static FhirApi create(ServerConfig config) {
    S3BinaryStore binaries = config.binaryBucket().map(bucket -> s3(config, bucket)).orElse(null);
    ResourceStore store = config.resourceTable()
        .<ResourceStore>map(table -> new DynamoResourceStore(dynamo(config), table, binaries))
        .orElse(null);
    Interactions interactions = store == null ? null
        : new Interactions(store, new StorageConditionalResolver(store), binaries, Clock.systemUTC());
    return new FhirApi(config, authenticator(config), new RbacAuthorizer(), interactions);
  }

  static Authenticator authenticator(ServerConfig config) {
    if (config.smart()) {
      return request -> {
        throw FhirException.unauthorized("SMART on FHIR token validation is not available in this release of "
            + "the server; deploy without SMART (Cognito) to use it");
      };
    }
    if (config.cognitoIssuerUrl().isEmpty() || config.userPoolClientId().isEmpty()) {
      return (ApiRequest request) -> {
        throw FhirException.unauthorized("The server has no user pool configured (USER_POOL_ID and "
            + "USER_POOL_APP_CLIENT_ID), so no token can be accepted");
      };
    }
    return new CognitoAuthenticator(config.cognitoIssuerUrl().get(), config.userPoolClientId().get());
  }

  public static DynamoDbClient dynamo(ServerConfig config) {
    DynamoDbClientBuilder b = DynamoDbClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.of(config.region()));
    if (config.dynamoDbEndpoint().isPresent()) {
      b.endpointOverride(URI.create(config.dynamoDbEndpoint().get()))
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(LOCAL_DYNAMO_KEY, LOCAL_DYNAMO_KEY)));
    } else {
      b.credentialsProvider(cloudCredentials());
    }
    return b.build();
  }

  /** An S3 client as the server uses it (local: path-style, no chunked encoding). */
  public static S3Client s3Client(ServerConfig config) {
    S3ClientBuilder b = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.of(config.region()));
    if (config.s3Endpoint().isPresent()) {
      b.endpointOverride(URI.create(config.s3Endpoint().get()))
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCAL_S3_KEY, LOCAL_S3_KEY)))
          .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
              .chunkedEncodingEnabled(false).build());
    } else {
      b.credentialsProvider(cloudCredentials());
    }
    return b.build();
  }

  static S3BinaryStore s3(ServerConfig config, String bucket) {
    return new S3BinaryStore(() -> s3Client(config), () -> presigner(config), bucket,
        config.s3Endpoint().isPresent() ? null : config.s3KmsKey().orElse(null));
  }

  static S3Presigner presigner(ServerConfig config) {
    S3Presigner.Builder p = S3Presigner.builder().region(Region.of(config.region()));
    if (config.s3Endpoint().isPresent()) {
      p.endpointOverride(URI.create(config.s3Endpoint().get()))
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCAL_S3_KEY, LOCAL_S3_KEY)))
          .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
              .chunkedEncodingEnabled(false).build());
    } else {
      p.credentialsProvider(cloudCredentials());
    }
    return p.build();
  }

  /** In Lambda the credentials are environment variables: skip the longer default chain. */
  private static AwsCredentialsProvider cloudCredentials() {
    return System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
        ? EnvironmentVariableCredentialsProvider.create()
        : DefaultCredentialsProvider.builder().build();
  }
}
