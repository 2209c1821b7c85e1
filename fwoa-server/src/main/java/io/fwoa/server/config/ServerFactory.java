package io.fwoa.server.config;

import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.api.FhirApi;
import io.fwoa.server.auth.Authenticator;
import io.fwoa.server.auth.CognitoAuthenticator;
import io.fwoa.server.auth.Authorizer;
import io.fwoa.server.auth.RbacAuthorizer;
import io.fwoa.server.auth.smart.SmartAuthenticator;
import io.fwoa.server.auth.smart.SmartAuthorizer;
import io.fwoa.server.auth.smart.SmartTokenVerifier;
import io.fwoa.server.fhir.Fhir;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.MalformedURLException;
import java.util.Set;
import io.fwoa.server.binary.S3BinaryStore;
import io.fwoa.server.conditional.ConditionalResolver;
import io.fwoa.server.conditional.SearchConditionalResolver;
import io.fwoa.server.conditional.StorageConditionalResolver;
import io.fwoa.server.search.SearchService;
import io.fwoa.server.search.opensearch.CloudTransport;
import io.fwoa.server.search.opensearch.SearchIndex;
import io.fwoa.server.search.stream.StreamIndexer;
import java.util.function.UnaryOperator;
import io.fwoa.server.interaction.Interactions;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.dynamo.DynamoResourceStore;
import io.fwoa.server.storage.dynamo.LightDynamoDbClient;
import java.net.URI;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
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

  /**
   * What the local stack replaces: the DynamoDB client (to feed the table's writes to the stream
   * handler, as DynamoDB Streams would) and the search index (the embedded node over plain HTTP).
   *
   * @param dynamo wraps the server's DynamoDB client
   * @param search the search index, or null to use ELASTICSEARCH_DOMAIN_ENDPOINT
   */
  public record Overrides(UnaryOperator<DynamoDbClient> dynamo, Supplier<SearchIndex> search) {
    public static final Overrides NONE = new Overrides(UnaryOperator.identity(), null);
  }

  public static FhirApi create(ServerConfig config) {
    return create(config, Overrides.NONE);
  }

  public static FhirApi create(ServerConfig config, Overrides overrides) {
    S3BinaryStore binaries = config.binaryBucket().map(bucket -> s3(config, bucket)).orElse(null);
    ResourceStore store = config.resourceTable()
        .<ResourceStore>map(table -> new DynamoResourceStore(overrides.dynamo().apply(serverDynamo(config)), table,
            binaries))
        .orElse(null);
    Supplier<SearchIndex> index = overrides.search() != null ? overrides.search()
        : config.searchEndpoint().map(endpoint -> Lazy.of(() -> new SearchIndex(CloudTransport.create(endpoint,
            config.region())))).orElse(null);
    SearchService search = index == null ? null : new SearchService(index);
    ConditionalResolver resolver = store == null ? null
        : search != null ? new SearchConditionalResolver(store, search) : new StorageConditionalResolver(store);
    Interactions interactions = store == null ? null
        : new Interactions(store, resolver, binaries, Clock.systemUTC(), config.enforceReferentialIntegrity());
    Authorizer authorizer = config.smart() ? new SmartAuthorizer() : new RbacAuthorizer();
    return new FhirApi(config, authenticator(config), authorizer, interactions, search);
  }

  /** The stream Lambda's indexer: the search domain, and the binary bucket for large documents. */
  public static StreamIndexer streamIndexer(ServerConfig config) {
    String endpoint = config.searchEndpoint().orElseThrow(() -> new IllegalStateException(
        ServerConfig.ELASTICSEARCH_DOMAIN_ENDPOINT + " is not set: the stream indexer needs the search domain"));
    S3BinaryStore overflow = config.binaryBucket().map(bucket -> s3(config, bucket)).orElse(null);
    return new StreamIndexer(new SearchIndex(CloudTransport.create(endpoint, config.region())), config.hardDelete(),
        false, overflow);
  }

  static Authenticator authenticator(ServerConfig config) {
    if (config.smart()) {
      return smartAuthenticator(config, config.smartSettings().orElseThrow());
    }
    if (config.cognitoIssuerUrl().isEmpty() || config.userPoolClientId().isEmpty()) {
      return (ApiRequest request) -> {
        throw FhirException.unauthorized("The server has no user pool configured (USER_POOL_ID and "
            + "USER_POOL_APP_CLIENT_ID), so no token can be accepted");
      };
    }
    return new CognitoAuthenticator(config.cognitoIssuerUrl().get(), config.userPoolClientId().get());
  }

  /** SMART on FHIR: tokens of the configured issuer, verified against its JWKS. */
  static Authenticator smartAuthenticator(ServerConfig config, SmartSettings smart) {
    JWKSource<SecurityContext> keys;
    try {
      keys = SmartTokenVerifier.remoteKeys(URI.create(smart.jwksUri()).toURL());
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(SmartSettings.SMART_JWKS_URI + " is not a URL: " + smart.jwksUri(), e);
    }
    Set<String> types = Set.copyOf(Fhir.context().getResourceTypes());
    SmartTokenVerifier verifier = new SmartTokenVerifier(smart.issuer(), keys, smart.patientClaim(),
        smart.fhirUserClaim(), config.multiTenancy() ? smart.tenantClaim() : null, types::contains);
    return new SmartAuthenticator(verifier, keys, smart.audiences());
  }

  /**
   * The DynamoDB client of the FHIR server: {@link LightDynamoDbClient}, which starts in
   * milliseconds where the SDK client costs about a second of a cold start. Credentials: the
   * local emulator's, or the function's (environment variables, else the SDK's default chain, which
   * covers SnapStart's container credentials).
   */
  public static DynamoDbClient serverDynamo(ServerConfig config) {
    if (config.dynamoDbEndpoint().isPresent()) {
      LightDynamoDbClient.Credentials local = new LightDynamoDbClient.Credentials(LOCAL_DYNAMO_KEY, LOCAL_DYNAMO_KEY,
          null);
      return new LightDynamoDbClient(URI.create(config.dynamoDbEndpoint().get()), config.region(), () -> local);
    }
    return new LightDynamoDbClient(LightDynamoDbClient.regionalEndpoint(config.region()), config.region(),
        new FunctionCredentials());
  }

  /** Environment variables when Lambda sets them; otherwise the SDK's default chain, built once. */
  private static final class FunctionCredentials implements Supplier<LightDynamoDbClient.Credentials> {
    private volatile AwsCredentialsProvider chain;

    @Override
    public LightDynamoDbClient.Credentials get() {
      String key = System.getenv("AWS_ACCESS_KEY_ID");
      String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
      if (key != null && secret != null) {
        return new LightDynamoDbClient.Credentials(key, secret, System.getenv("AWS_SESSION_TOKEN"));
      }
      AwsCredentialsProvider p = chain;
      if (p == null) {
        synchronized (this) {
          if (chain == null) {
            chain = DefaultCredentialsProvider.builder().build();
          }
          p = chain;
        }
      }
      AwsCredentials c = p.resolveCredentials();
      return new LightDynamoDbClient.Credentials(c.accessKeyId(), c.secretAccessKey(),
          c instanceof AwsSessionCredentials s ? s.sessionToken() : null);
    }
  }

  /** The AWS SDK's DynamoDB client (table administration for the local stack, tools and tests). */
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

  /** The SDK's default chain: environment variables in Lambda, container credentials under SnapStart. */
  private static AwsCredentialsProvider cloudCredentials() {
    return DefaultCredentialsProvider.builder().build();
  }
}
