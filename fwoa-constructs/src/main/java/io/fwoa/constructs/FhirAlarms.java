package io.fwoa.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.opensearchservice.Domain;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * CloudWatch alarms on an encrypted SNS topic, covering what FWoA alarmed on: FHIR function errors
 * and latency, API Gateway 5XX/4XX/latency, stream indexer errors, iterator age and DLQ depth,
 * and OpenSearch health, resources and KMS access. Names follow FWoA:
 * {@code FhirSolution.<stage>.<High|Low>.<what>}.
 */
public class FhirAlarms extends Construct {

  private final String prefix;
  private final Topic topic;
  private final List<Alarm> alarms = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  public FhirAlarms(Construct scope, String id, FhirAlarmsProps props) {
    super(scope, id);
    this.prefix = "FhirSolution." + props.getStage() + ".";

    Key key = ServiceKeys.key(this, "TopicKey", "fwoa alarm topic key (" + props.getStage() + ")", RemovalPolicy.DESTROY);
    // CloudWatch publishes alarm notifications to the encrypted topic, so it must use the key.
    key.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("AllowCloudWatchAlarms")
        .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
        .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
        .resources(List.of("*"))
        .build());
    this.topic = Topic.Builder.create(this, "Topic")
        .topicName("FhirSolution-" + props.getStage() + "-cloudwatch-alarm-topic")
        .displayName("fwoa alarms (" + props.getStage() + ")")
        .masterKey(key)
        .enforceSsl(true)
        .build();
    if (props.getAlarmEmail() != null) {
      topic.addSubscription(new EmailSubscription(props.getAlarmEmail()));
    }

    FhirService service = props.getService();
    Duration five = Duration.minutes(5);
    alarm("High", "FhirLambdaErrors", "FHIR API function errors",
        service.getFunction().metricErrors(sum(five)), 1, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
    alarm("Low", "FhirLambdaLatency", "FHIR API function average duration at or above 2.5 s",
        service.getFunction().metricDuration(avg(five)), 2500, 3, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
    alarm("High", "ApiGateway5XX", "FHIR API answered 5XX",
        service.getApi().metricServerError(sum(five)), 1, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
    alarm("Low", "ApiGateway4XX", "FHIR API answered 50 or more 4XX in 5 minutes",
        service.getApi().metricClientError(sum(five)), 50, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
    alarm("Low", "ApiGatewayLatency", "FHIR API average latency at or above 3 s",
        service.getApi().metricLatency(avg(five)), 3000, 3, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);

    FhirSearch search = props.getSearch();
    if (search != null) {
      alarm("High", "DDBToESLambdaErrors", "Search stream indexer errors",
          search.getStreamFunction().metricErrors(sum(five)), 1, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
      alarm("Low", "DDBToESIteratorAge", "Search index is 60 s or more behind the table",
          search.getStreamFunction().metric("IteratorAge", max(five)), 60_000, 1,
          ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
      alarm("High", "DDBToESDLQDepth", "Stream batches that could not be indexed are waiting in the DLQ",
          search.getDeadLetterQueue().metricApproximateNumberOfMessagesVisible(max(five)), 1, 1,
          ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
      searchAlarms(search);
    }
  }

  private void searchAlarms(FhirSearch search) {
    Domain d = search.getDomain();
    Duration one = Duration.minutes(1);
    Duration five = Duration.minutes(5);
    ComparisonOperator atLeast = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    alarm("High", "ClusterStatusRed", "A primary shard is not allocated",
        d.metricClusterStatusRed(max(one)), 1, 1, atLeast);
    alarm("Low", "ClusterStatusYellow", "A replica shard is not allocated",
        d.metricClusterStatusYellow(max(one)), 1, 5, atLeast);
    alarm("Low", "CPUUtilization", "Data node CPU above 80 %",
        d.metricCPUUtilization(avg(five)), 80, 3, ComparisonOperator.GREATER_THAN_THRESHOLD);
    double freeMb = search.getProps().getVolumeSize() * 1024 * 0.25;
    alarm("High", "FreeStorageSpace", "A data node has less than 25 % of its volume free",
        d.metricFreeStorageSpace(min(one)), freeMb, 1, ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD);
    alarm("High", "IndexWritesBlocked", "The cluster blocks index writes",
        d.metricClusterIndexWritesBlocked(max(five)), 1, 1, atLeast);
    alarm("Low", "JVMMemoryPressure", "Data node JVM memory pressure above 80 %",
        d.metricJVMMemoryPressure(max(five)), 80, 3, ComparisonOperator.GREATER_THAN_THRESHOLD);
    alarm("High", "KMSKeyError", "The domain's KMS key is disabled",
        d.metricKMSKeyError(max(one)), 1, 1, atLeast);
    alarm("High", "KMSKeyInaccessible", "The domain's KMS key was deleted or its grants revoked",
        d.metricKMSKeyInaccessible(max(one)), 1, 1, atLeast);
    if (search.getProps().getSizing() == FhirSearchProps.Sizing.PRODUCTION) {
      alarm("Low", "MasterCPUUtilization", "Dedicated master CPU above 50 %",
          d.metricMasterCPUUtilization(avg(five)), 50, 3, ComparisonOperator.GREATER_THAN_THRESHOLD);
      alarm("Low", "MasterJVMMemoryPressure", "Dedicated master JVM memory pressure above 80 %",
          d.metricMasterJVMMemoryPressure(max(one)), 80, 3, ComparisonOperator.GREATER_THAN_THRESHOLD);
      alarm("High", "MasterReachableFromNode", "The master node is unreachable",
          d.metric("MasterReachableFromNode", min(one)), 1, 1, ComparisonOperator.LESS_THAN_THRESHOLD);
      alarm("High", "AutomatedSnapshotFailure", "An automated snapshot failed",
          d.metric("AutomatedSnapshotFailure", max(one)), 1, 1, atLeast);
    }
    if (search.getProps().isDashboards()) {
      alarm("Low", "DashboardsHealthyNodes", "OpenSearch Dashboards is not healthy",
          d.metric("OpenSearchDashboardsHealthyNodes", min(one)), 1, 5, ComparisonOperator.LESS_THAN_THRESHOLD);
    }
  }

  private void alarm(String severity, String what, String description, IMetric metric, double threshold,
      int periods, ComparisonOperator comparison) {
    String name = prefix + severity + "." + what;
    Alarm alarm = Alarm.Builder.create(this, what)
        .alarmName(name)
        .alarmDescription(description)
        .metric(metric)
        .threshold(threshold)
        .evaluationPeriods(periods)
        .comparisonOperator(comparison)
        // No datapoints means no errors, no traffic or no backlog: not a reason to page anyone.
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    alarm.addAlarmAction(new SnsAction(topic));
    alarms.add(alarm);
    names.add(name);
  }

  private static MetricOptions sum(Duration period) {
    return MetricOptions.builder().statistic("Sum").period(period).build();
  }

  private static MetricOptions avg(Duration period) {
    return MetricOptions.builder().statistic("Average").period(period).build();
  }

  private static MetricOptions max(Duration period) {
    return MetricOptions.builder().statistic("Maximum").period(period).build();
  }

  private static MetricOptions min(Duration period) {
    return MetricOptions.builder().statistic("Minimum").period(period).build();
  }

  /** The topic every alarm notifies. */
  public Topic getTopic() {
    return topic;
  }

  public List<Alarm> getAlarms() {
    return Collections.unmodifiableList(alarms);
  }

  /** Names of the alarms, as they appear in CloudWatch. */
  public List<String> getAlarmNames() {
    return Collections.unmodifiableList(names);
  }
}
