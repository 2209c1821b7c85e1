package io.fwoa.engine.aws;

import io.fwoa.engine.log.EngineLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * AWS clients for one target (region + credentials), built the standard way so everything the SDK
 * reads from the environment keeps working: the default credentials chain or a named profile
 * (including IAM Identity Center / SSO profiles), and endpoint overrides through AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_&lt;SERVICE&gt; or a profile's endpoint_url (the engine never sets an endpoint
 * itself). Every goal that talks to AWS uses one session; later goals (for example user
 * provisioning) get their clients from {@link #client(Class, Supplier)}.
 */
public final class AwsSession implements AutoCloseable {

  private final AwsTarget target;
  private final AwsClientProvider provider;
  private final Timing timing;
  private final AwsCalls calls;
  private final Map<Class<?>, SdkClient> clients = new ConcurrentHashMap<>();
  private volatile AwsCredentialsProvider credentials;
  private volatile String accountId;

  private AwsSession(AwsTarget target, AwsClientProvider provider, EngineLog log) {
    this.target = target;
    this.provider = provider;
    this.timing = provider != null ? provider.timing() : Timing.system();
    this.calls = new AwsCalls(target, timing, log);
  }

  /** A session that talks to AWS through the SDK. */
  public static AwsSession sdk(AwsTarget target, EngineLog log) {
    return new AwsSession(target, null, log);
  }

  /** A session whose clients come from the given provider (tests). */
  public static AwsSession withProvider(AwsTarget target, AwsClientProvider provider, EngineLog log) {
    return new AwsSession(target, provider, log);
  }

  /**
   * @param providerName name of an {@link AwsClientProvider} on the class path, or null/blank for the SDK
   * @throws IllegalArgumentException if no provider has that name
   */
  public static AwsSession open(AwsTarget target, String providerName, ClassLoader loader, EngineLog log) {
    if (providerName == null || providerName.isBlank()) {
      return sdk(target, log);
    }
    List<String> names = new ArrayList<>();
    for (AwsClientProvider p : ServiceLoader.load(AwsClientProvider.class, loader)) {
      if (p.name().equals(providerName.trim())) {
        log.warn("Using AWS client provider '" + p.name() + "' instead of AWS (test mode)");
        return withProvider(target, p, log);
      }
      names.add(p.name());
    }
    throw new IllegalArgumentException("No AWS client provider named '" + providerName + "' on the plugin class path"
        + (names.isEmpty() ? "" : " (found: " + String.join(", ", names) + ")"));
  }

  public AwsTarget target() {
    return target;
  }

  public Timing timing() {
    return timing;
  }

  /** Runs calls with throttling retries and error translation. */
  public AwsCalls calls() {
    return calls;
  }

  public CloudFormationClient cloudFormation() {
    return client(CloudFormationClient.class, CloudFormationClient::builder);
  }

  public S3Client s3() {
    return client(S3Client.class, () -> {
      S3ClientBuilder b = S3Client.builder();
      if (customS3Endpoint()) {
        // Local S3 implementations are addressed by host:port (virtual-hosted bucket names do not
        // resolve) and some store aws-chunked framing or trailing checksums inside the object.
        b.forcePathStyle(true)
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
      }
      return b;
    });
  }

  public StsClient sts() {
    return client(StsClient.class, StsClient::builder);
  }

  /**
   * A client of any AWS service for this session's target.
   *
   * @param builder a fresh builder of the service's client (for example {@code CognitoIdentityProviderClient::builder})
   */
  @SuppressWarnings("unchecked")
  public <T extends SdkClient> T client(Class<T> type, Supplier<? extends AwsClientBuilder<?, T>> builder) {
    return (T) clients.computeIfAbsent(type, t -> {
      if (provider != null) {
        var provided = provider.client(type, target);
        if (provided.isPresent()) {
          return provided.get();
        }
      }
      return configure(builder.get());
    });
  }

  /** Applies region, credentials and profile to a builder, leaving endpoints to the SDK. */
  public <T> T configure(AwsClientBuilder<?, T> builder) {
    builder.region(Region.of(target.region()));
    builder.credentialsProvider(credentials());
    if (target.profile() != null) {
      // Also read retry mode, endpoint_url and services sections from the chosen profile.
      builder.overrideConfiguration(ClientOverrideConfiguration.builder().defaultProfileName(target.profile()).build());
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials() {
    if (credentials == null) {
      synchronized (this) {
        if (credentials == null) {
          credentials = target.profile() != null
              ? ProfileCredentialsProvider.builder().profileName(target.profile()).build()
              : DefaultCredentialsProvider.builder().build();
        }
      }
    }
    return credentials;
  }

  /**
   * The account of the credentials in use (STS GetCallerIdentity, once per session); the first
   * call, so missing or expired credentials are reported before anything else happens.
   */
  public String accountId() {
    if (accountId == null) {
      GetCallerIdentityResponse identity = calls.call("STS", "GetCallerIdentity", () -> sts().getCallerIdentity());
      accountId = identity.account();
    }
    return accountId;
  }

  private static boolean customS3Endpoint() {
    return notBlank(System.getenv("AWS_ENDPOINT_URL_S3")) || notBlank(System.getenv("AWS_ENDPOINT_URL"))
        || notBlank(System.getProperty("aws.endpointUrlS3")) || notBlank(System.getProperty("aws.endpointUrl"));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  @Override
  public void close() {
    for (SdkClient c : clients.values()) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // closing is best effort
      }
    }
    clients.clear();
    if (credentials instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // best effort
      }
    }
    if (provider != null) {
      provider.close();
    }
  }
}
