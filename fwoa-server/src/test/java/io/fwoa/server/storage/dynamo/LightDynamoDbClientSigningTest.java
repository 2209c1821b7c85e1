package io.fwoa.server.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The light client's Signature Version 4 equals the AWS SDK's own signer for the same request
 * (dynalite does not check signatures, so this is what proves requests to real DynamoDB verify).
 */
class LightDynamoDbClientSigningTest {

  @ParameterizedTest(name = "{0} in {1}, session token: {2}")
  @CsvSource({
      "Query, us-west-2, false, https://dynamodb.us-west-2.amazonaws.com/",
      "PutItem, eu-central-1, true, https://dynamodb.eu-central-1.amazonaws.com/",
      "BatchWriteItem, us-east-1, true, http://127.0.0.1:8000/",
  })
  void signatureMatchesTheSdkSigner(String operation, String region, boolean session, String endpoint) {
    Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
    String token = session ? "FwoGZXIvYXdzEJr//////////wEaDO+session/token==" : null;
    LightDynamoDbClient client = new LightDynamoDbClient(URI.create(endpoint), region,
        () -> new LightDynamoDbClient.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token),
        clock);
    byte[] body = "{\"TableName\":\"fwoa\",\"Limit\":3}".getBytes(StandardCharsets.UTF_8);

    Map<String, String> ours = client.signedHeaders(operation, body);

    URI uri = URI.create(endpoint);
    SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", "DynamoDB_20120810." + operation)
        .build();
    AwsCredentialsIdentity identity = session
        ? AwsSessionCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
        : AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(identity)
        .request(request)
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));

    assertThat(ours.get("X-Amz-Date")).isEqualTo("20260304T050607Z");
    assertThat(ours.get("Authorization")).isEqualTo(signed.request().firstMatchingHeader("Authorization").orElseThrow());
  }
}
