package io.fwoa.constructs;

import static io.fwoa.constructs.TestStacks.actionsOfRole;
import static io.fwoa.constructs.TestStacks.only;
import static io.fwoa.constructs.TestStacks.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;

class FhirSearchTest {

  private static Template search(FhirSearchProps.Sizing sizing, boolean dashboards) {
    Stack stack = TestStacks.stack();
    Table table = Table.Builder.create(stack, "Table")
        .partitionKey(Attribute.builder().name("id").type(AttributeType.STRING).build())
        .stream(StreamViewType.NEW_AND_OLD_IMAGES)
        .build();
    new FhirSearch(stack, "Search", FhirSearchProps.builder().stage("test").table(table)
        .sizing(sizing).dashboards(dashboards).domainName("fhir-test").build());
    return Template.fromStack(stack);
  }

  @Test
  void smallDomainIsOneEncryptedHttpsOnlyOpenSearch2Node() {
    Template t = search(FhirSearchProps.Sizing.SMALL, false);
    t.hasResourceProperties("AWS::OpenSearchService::Domain", Match.objectLike(Map.of(
        "DomainName", "fhir-test",
        "EngineVersion", "OpenSearch_2.19",
        "ClusterConfig", Match.objectLike(Map.of(
            "InstanceCount", 1, "DedicatedMasterEnabled", false, "ZoneAwarenessEnabled", false)),
        "EBSOptions", Match.objectLike(Map.of("EBSEnabled", true, "VolumeType", "gp3", "VolumeSize", 10)),
        "EncryptionAtRestOptions", Match.objectLike(Map.of("Enabled", true, "KmsKeyId", Match.anyValue())),
        "NodeToNodeEncryptionOptions", Map.of("Enabled", true),
        "DomainEndpointOptions", Match.objectLike(Map.of(
            "EnforceHTTPS", true, "TLSSecurityPolicy", "Policy-Min-TLS-1-2-2019-07")))));
  }

  @Test
  void productionDomainSpansTwoZonesWithDedicatedMasters() {
    Template t = search(FhirSearchProps.Sizing.PRODUCTION, false);
    t.hasResourceProperties("AWS::OpenSearchService::Domain", Match.objectLike(Map.of(
        "ClusterConfig", Match.objectLike(Map.of(
            "InstanceCount", 4, "InstanceType", "m6g.large.search",
            "DedicatedMasterEnabled", true, "DedicatedMasterCount", 3,
            "ZoneAwarenessEnabled", true, "ZoneAwarenessConfig", Map.of("AvailabilityZoneCount", 2))),
        "EBSOptions", Match.objectLike(Map.of("VolumeSize", 73)))));
  }

  @Test
  void applicationAndSlowLogsArePublishedWithANativeResourcePolicy() {
    Template t = search(FhirSearchProps.Sizing.SMALL, false);
    Object logs = properties(only(t, "AWS::OpenSearchService::Domain")).get("LogPublishingOptions");
    assertThat(String.valueOf(logs)).contains("ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS");
    t.resourceCountIs("AWS::Logs::ResourcePolicy", 1);
    // The CDK's default for the log resource policy is a custom resource backed by a Lambda.
    t.resourceCountIs("Custom::CloudwatchLogResourcePolicy", 0);
  }

  @Test
  void streamIndexerReadsTheTableStreamWithAFailureDestination() {
    Template t = search(FhirSearchProps.Sizing.SMALL, false);
    t.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", ServerCode.STREAM_HANDLER, "Runtime", "java21")));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
        "StartingPosition", "TRIM_HORIZON",
        "BisectBatchOnFunctionError", true,
        "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
        "MaximumRetryAttempts", 3,
        "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.anyValue())))));
    t.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
        "KmsMasterKeyId", "alias/aws/sqs", "MessageRetentionPeriod", 1209600)));
    assertThat(actionsOfRole(t, "StreamIndexerRole"))
        .contains("dynamodb:GetRecords", "sqs:SendMessage", "es:ESHttpPost", "es:ESHttpDelete");
  }

  @Test
  void dashboardsOnlyWhenAskedBehindTheirOwnUserPool() {
    Template without = search(FhirSearchProps.Sizing.SMALL, false);
    without.resourceCountIs("AWS::Cognito::UserPool", 0);
    assertThat(properties(only(without, "AWS::OpenSearchService::Domain"))).doesNotContainKey("CognitoOptions");

    Template with = search(FhirSearchProps.Sizing.SMALL, true);
    with.resourceCountIs("AWS::Cognito::UserPool", 1);
    with.resourceCountIs("AWS::Cognito::IdentityPool", 1);
    with.hasResourceProperties("AWS::Cognito::IdentityPool", Match.objectLike(Map.of(
        "AllowUnauthenticatedIdentities", false)));
    Map<String, Object> domain = properties(only(with, "AWS::OpenSearchService::Domain"));
    assertThat(String.valueOf(domain.get("CognitoOptions"))).contains("Enabled=true");
    // Signed-in Dashboards users may call this one domain.
    assertThat(String.valueOf(domain.get("AccessPolicies"))).contains("es:ESHttp*", "domain/fhir-test/*");
  }

  @Test
  void searchClientsGetReadMethodsOnly() {
    Stack stack = TestStacks.stack();
    Table table = Table.Builder.create(stack, "Table")
        .partitionKey(Attribute.builder().name("id").type(AttributeType.STRING).build())
        .stream(StreamViewType.NEW_AND_OLD_IMAGES).build();
    FhirSearch search = new FhirSearch(stack, "Search", FhirSearchProps.builder().stage("test").table(table).build());
    software.amazon.awscdk.services.iam.Role client = software.amazon.awscdk.services.iam.Role.Builder.create(stack, "Client")
        .assumedBy(new software.amazon.awscdk.services.iam.ServicePrincipal("lambda.amazonaws.com")).build();
    search.grantSearch(client);
    assertThat(actionsOfRole(Template.fromStack(stack), "Client"))
        .containsExactlyInAnyOrder("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost");
  }
}
