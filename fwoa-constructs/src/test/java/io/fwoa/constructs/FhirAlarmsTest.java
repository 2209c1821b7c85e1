package io.fwoa.constructs;

import static io.fwoa.constructs.TestStacks.properties;
import static io.fwoa.constructs.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class FhirAlarmsTest {

  private static Template alarms(FhirSearchProps.Sizing sizing, boolean dashboards) {
    Stack stack = TestStacks.stack();
    FhirService service = new FhirService(stack, "Service", FhirServiceProps.builder().stage("qa").build());
    FhirSearch search = new FhirSearch(stack, "Search", FhirSearchProps.builder().stage("qa")
        .table(service.getTable()).sizing(sizing).dashboards(dashboards).build());
    new FhirAlarms(stack, "Alarms", FhirAlarmsProps.builder().stage("qa").service(service).search(search)
        .alarmEmail("oncall@example.org").build());
    return Template.fromStack(stack);
  }

  private static List<String> names(Template t) {
    return resources(t, "AWS::CloudWatch::Alarm").values().stream()
        .map(a -> String.valueOf(properties(a).get("AlarmName"))).sorted().collect(Collectors.toList());
  }

  @Test
  void coversWhatFwoaAlarmedOn() {
    List<String> names = names(alarms(FhirSearchProps.Sizing.PRODUCTION, false));
    assertThat(names).contains(
        "FhirSolution.qa.High.FhirLambdaErrors", "FhirSolution.qa.Low.FhirLambdaLatency",
        "FhirSolution.qa.High.ApiGateway5XX", "FhirSolution.qa.Low.ApiGateway4XX", "FhirSolution.qa.Low.ApiGatewayLatency",
        "FhirSolution.qa.High.DDBToESLambdaErrors", "FhirSolution.qa.Low.DDBToESIteratorAge",
        "FhirSolution.qa.High.DDBToESDLQDepth",
        "FhirSolution.qa.High.ClusterStatusRed", "FhirSolution.qa.Low.ClusterStatusYellow",
        "FhirSolution.qa.Low.CPUUtilization", "FhirSolution.qa.High.FreeStorageSpace",
        "FhirSolution.qa.High.IndexWritesBlocked", "FhirSolution.qa.Low.JVMMemoryPressure",
        "FhirSolution.qa.High.KMSKeyError", "FhirSolution.qa.High.KMSKeyInaccessible",
        "FhirSolution.qa.Low.MasterCPUUtilization", "FhirSolution.qa.Low.MasterJVMMemoryPressure",
        "FhirSolution.qa.High.MasterReachableFromNode", "FhirSolution.qa.High.AutomatedSnapshotFailure");
    assertThat(names).doesNotContain("FhirSolution.qa.Low.DashboardsHealthyNodes");
  }

  @Test
  void masterAlarmsOnlyWithMastersAndDashboardsHealthOnlyWithDashboards() {
    List<String> names = names(alarms(FhirSearchProps.Sizing.SMALL, true));
    assertThat(names).contains("FhirSolution.qa.Low.DashboardsHealthyNodes")
        .doesNotContain("FhirSolution.qa.Low.MasterCPUUtilization", "FhirSolution.qa.High.MasterReachableFromNode");
  }

  @Test
  void everyAlarmNotifiesTheEncryptedTopic() {
    Template t = alarms(FhirSearchProps.Sizing.SMALL, false);
    String topic = FhirServiceTest.logicalId(t, "AWS::SNS::Topic", "Topic");
    resources(t, "AWS::CloudWatch::Alarm").values().forEach(a ->
        assertThat(properties(a).get("AlarmActions")).isEqualTo(List.of(Map.of("Ref", topic))));
    t.hasResourceProperties("AWS::SNS::Topic", Match.objectLike(Map.of("KmsMasterKeyId", Match.anyValue())));
    t.hasResourceProperties("AWS::SNS::Subscription", Match.objectLike(Map.of(
        "Protocol", "email", "Endpoint", "oncall@example.org")));
  }

  @Test
  void apiAlarmsWatchTheApiThatExists() {
    // FWoA's API Gateway alarms watched an ApiName that did not exist.
    Template t = alarms(FhirSearchProps.Sizing.SMALL, false);
    String apiName = String.valueOf(properties(TestStacks.only(t, "AWS::ApiGateway::RestApi")).get("Name"));
    assertThat(apiName).isEqualTo("qa-fhir-service");
    resources(t, "AWS::CloudWatch::Alarm").values().stream().map(TestStacks::properties)
        .filter(p -> "AWS/ApiGateway".equals(p.get("Namespace")))
        .forEach(p -> assertThat(String.valueOf(p.get("Dimensions"))).contains("Value=" + apiName));
  }
}
