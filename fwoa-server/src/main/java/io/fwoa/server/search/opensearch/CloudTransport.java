package io.fwoa.server.search.opensearch;

import java.net.URI;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The transport to an Amazon OpenSearch Service domain: HTTPS requests signed with SigV4 (service
 * "es") with the function's credentials, over the AWS SDK's URL connection client (the same light
 * HTTP client as the rest of the Lambda).
 */
public final class CloudTransport {

  private CloudTransport() {}

  /**
   * @param endpoint the domain endpoint, with or without "https://" (ELASTICSEARCH_DOMAIN_ENDPOINT)
   */
  public static OpenSearchTransport create(String endpoint, String region) {
    String host = endpoint.contains("://") ? URI.create(endpoint).getHost() : endpoint.replaceAll("/+$", "");
    return new AwsSdk2Transport(UrlConnectionHttpClient.builder().build(), host, "es", Region.of(region),
        AwsSdk2TransportOptions.builder()
            .setMapper(new JacksonJsonpMapper())
            .setCredentials(DefaultCredentialsProvider.builder().build())
            .build());
  }
}
