package io.fwoa.engine.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.outputs.DeployedOutputs;
import io.fwoa.engine.outputs.StackOutputs;
import io.fwoa.engine.testing.CollectingLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real AWS SDK clients of a session, against a local HTTP server that answers like
 * CloudFormation: endpoint overrides, profiles, error codes and retries all go through the SDK.
 */
class AwsSessionTest {

  private static final String NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
  private static final List<String> PROPERTIES = List.of("aws.endpointUrlCloudFormation", "aws.configFile",
      "aws.sharedCredentialsFile", "aws.disableEc2Metadata", "aws.profile");

  @TempDir
  Path dir;

  HttpServer server;
  final List<String> requests = new ArrayList<>();
  final List<String> authorizations = new ArrayList<>();
  final AtomicInteger throttleFirst = new AtomicInteger();
  String errorCode;
  final Map<String, String> saved = new HashMap<>();
  final CollectingLog log = new CollectingLog();
  final FhirDeploymentConfig dev = FhirDeploymentConfig.builder().stage("dev").build();

  @BeforeEach
  void start() throws IOException {
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
    }
    System.setProperty("aws.disableEc2Metadata", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      synchronized (requests) {
        requests.add(body);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      }
      String response;
      int status;
      if (throttleFirst.getAndDecrement() > 0) {
        status = 400;
        response = error("Throttling", "Rate exceeded");
      } else if (errorCode != null) {
        status = 403;
        response = error(errorCode, "The security token included in the request is expired");
      } else if (body.contains("StackName=fhir-service-dev")) {
        status = 200;
        response = "<DescribeStacksResponse xmlns=\"" + NS + "\"><DescribeStacksResult><Stacks><member>"
            + "<StackName>fhir-service-dev</StackName><StackId>arn:aws:cloudformation:us-west-2:123456789012:stack/fhir-service-dev/1</StackId>"
            + "<StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime>"
            + "<Outputs><member><OutputKey>userPoolId</OutputKey><OutputValue>us-west-2_AbCdEf123</OutputValue></member>"
            + "<member><OutputKey>ServiceEndpoint</OutputKey><OutputValue>https://abc.execute-api.us-west-2.amazonaws.com/dev/</OutputValue></member>"
            + "</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
            + "</DescribeStacksResponse>";
      } else {
        status = 400;
        response = error("ValidationError", "Stack with id fhir-service-backups-dev does not exist");
      }
      byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }

  private static String error(String code, String message) {
    return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
        + "</Message></Error><RequestId>r2</RequestId></ErrorResponse>";
  }

  private String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void profiles(String config) throws IOException {
    Path credentials = dir.resolve("credentials");
    Files.writeString(credentials, "[fwoa-test]\naws_access_key_id = AKIAFWOATEST\naws_secret_access_key = not-a-real-secret\n");
    Path configFile = dir.resolve("config");
    Files.writeString(configFile, config);
    System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    System.setProperty("aws.configFile", configFile.toString());
  }

  @Test
  void theSdksEndpointOverrideSettingIsHonouredAndOutputsAreRead() throws IOException {
    profiles("[profile fwoa-test]\nregion = eu-central-1\n");
    System.setProperty("aws.endpointUrlCloudFormation", endpoint());

    DeployedOutputs outputs;
    try (AwsSession session = AwsSession.sdk(new AwsTarget("us-west-2", "fwoa-test"), log)) {
      outputs = StackOutputs.read(session, dev);
    }

    assertThat(outputs.require("userPoolId")).isEqualTo("us-west-2_AbCdEf123");
    assertThat(outputs.stacks()).containsOnlyKeys("fhir-service-dev");
    assertThat(requests).anyMatch(r -> r.contains("Action=DescribeStacks") && r.contains("StackName=fhir-service-dev"));
    // Signed with the profile's key, for fwoa.region (not the profile's region).
    assertThat(authorizations).allMatch(a -> a.contains("Credential=AKIAFWOATEST/") && a.contains("/us-west-2/cloudformation/"));
  }

  @Test
  void aProfilesEndpointUrlIsHonoured() throws IOException {
    profiles("[profile fwoa-test]\nendpoint_url = " + endpoint() + "\n");

    try (AwsSession session = AwsSession.sdk(new AwsTarget("us-west-2", "fwoa-test"), log)) {
      assertThat(StackOutputs.read(session, dev).require("ServiceEndpoint")).startsWith("https://abc.execute-api");
    }
    assertThat(requests).isNotEmpty();
  }

  @Test
  void throttlingAnswersAreRetried() throws IOException {
    profiles("[profile fwoa-test]\n");
    System.setProperty("aws.endpointUrlCloudFormation", endpoint());
    throttleFirst.set(2);

    try (AwsSession session = AwsSession.sdk(new AwsTarget("us-west-2", "fwoa-test"), log)) {
      assertThat(StackOutputs.read(session, dev).require("userPoolId")).isEqualTo("us-west-2_AbCdEf123");
    }
    assertThat(requests.size()).isEqualTo(3);
  }

  @Test
  void anExpiredTokenAnswerBecomesLoginInstructions() throws IOException {
    profiles("[profile fwoa-test]\n");
    System.setProperty("aws.endpointUrlCloudFormation", endpoint());
    errorCode = "ExpiredToken";

    try (AwsSession session = AwsSession.sdk(new AwsTarget("us-west-2", "fwoa-test"), log)) {
      assertThatThrownBy(() -> StackOutputs.read(session, dev)).isInstanceOf(CredentialsException.class)
          .hasMessageContaining("Your AWS credentials have expired (CloudFormation DescribeStacks: ExpiredToken: "
              + "The security token included in the request is expired)")
          .hasMessageContaining("aws configure --profile <name>")
          .hasMessageNotContaining("not-a-real-secret");
    }
  }

  @Test
  void anSsoProfileWithoutALoginSaysToRunSsoLogin() throws IOException {
    profiles("[profile fwoa-sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n"
        + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-west-2\n"
        + "sso_registration_scopes = sso:account:access\n");
    System.setProperty("aws.endpointUrlCloudFormation", endpoint());

    try (AwsSession session = AwsSession.sdk(new AwsTarget("us-west-2", "fwoa-sso"), log)) {
      assertThatThrownBy(() -> StackOutputs.read(session, dev)).isInstanceOf(CredentialsException.class)
          .hasMessageContaining("No usable AWS credentials for profile 'fwoa-sso'")
          .hasMessageContaining("log in with 'aws sso login --profile fwoa-sso', then run the goal again");
    }
    assertThat(requests).isEmpty();
  }

  @Test
  void anUnknownProfileIsNamed() throws IOException {
    profiles("[profile fwoa-test]\n");

    try (AwsSession session = AwsSession.sdk(new AwsTarget("us-west-2", "nope"), log)) {
      assertThatThrownBy(() -> StackOutputs.read(session, dev)).isInstanceOf(CredentialsException.class)
          .hasMessageContaining("There is no profile 'nope' in ~/.aws/config or ~/.aws/credentials");
    }
    assertThat(requests).isEmpty();
  }

  @Test
  void aProviderIsSelectedByNameOnly() {
    assertThatThrownBy(() -> AwsSession.open(new AwsTarget("us-west-2", null), "missing", getClass().getClassLoader(), log))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No AWS client provider named 'missing'")
        .hasMessageContaining("found: fake");
    try (AwsSession session = AwsSession.open(new AwsTarget("us-west-2", null), null, getClass().getClassLoader(), log)) {
      assertThat(session.timing().nowMillis()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }
  }
}
