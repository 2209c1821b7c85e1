package io.fwoa.constructs;

import io.fwoa.constructs.nag.Suppressions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.IStackSynthesizer;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The whole FHIR service from one {@link FhirDeploymentConfig}: the stack
 * {@code fhir-service-<stage>} (FhirService, FhirSearch, FhirAlarms and FWoA's outputs) and, when
 * backup is enabled, the stack {@code fhir-service-backups-<stage>} (FhirBackup), which depends
 * on the first so deployments run service, then backup.
 */
public final class FhirDeployment {

  private final FhirDeploymentConfig config;
  private final Stack serviceStack;
  private final Stack backupStack;
  private final FhirService service;
  private final FhirSearch search;
  private final FhirAlarms alarms;
  private final FhirBackup backup;

  /** Builds the stacks with the default stack synthesizer. */
  public FhirDeployment(Construct scope, FhirDeploymentConfig config) {
    this(scope, config, null);
  }

  /**
   * @param synthesizer supplies a synthesizer per stack (for example one that uses a particular
   *     asset bucket), or null for the CDK default
   * @throws ConfigurationException if the configuration is invalid
   */
  public FhirDeployment(Construct scope, FhirDeploymentConfig config, Supplier<IStackSynthesizer> synthesizer) {
    this.config = config.validate();
    String stage = config.getStage();
    RemovalPolicy dataPolicy = config.isProduction() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Architecture architecture = "x86_64".equals(config.getLambdaArchitecture()) ? Architecture.X86_64 : Architecture.ARM_64;

    this.serviceStack = new Stack(scope, config.serviceStackName(), stackProps(config.serviceStackName(),
        "fwoa FHIR R4 service (stage " + stage + ")", synthesizer));
    // One code asset shared by both functions: hashed and staged once.
    Code code = ServerCode.bundled();

    this.service = new FhirService(serviceStack, "Service", FhirServiceProps.builder()
        .stage(stage)
        .code(code)
        .architecture(architecture)
        .memorySize(config.getLambdaMemorySize())
        .timeout(Duration.seconds(config.getLambdaTimeoutSeconds()))
        .logLevel(config.getLogLevel())
        .removalPolicy(dataPolicy)
        .smart(config.smartAuth())
        .oauthRedirect(config.getOauthRedirect())
        .enableMultiTenancy(config.isEnableMultiTenancy())
        .enforceEncryptionHeaders(config.isEnforceEncryptionHeaders())
        .enforceReferentialIntegrity(config.isEnforceReferentialIntegrity())
        .build());

    this.search = new FhirSearch(serviceStack, "Search", FhirSearchProps.builder()
        .stage(stage)
        .table(service.getTable())
        .sizing(config.isDev() ? FhirSearchProps.Sizing.SMALL : FhirSearchProps.Sizing.PRODUCTION)
        .dashboards(config.isDev())
        .hardDelete(config.isEnableESHardDelete())
        .domainName(config.serviceStackName())
        .code(code)
        .architecture(architecture)
        .logLevel(config.getLogLevel())
        .logKey(service.getLogKey())
        .build());
    search.grantSearch(service.getFunction());
    service.getFunction().addEnvironment("ELASTICSEARCH_DOMAIN_ENDPOINT", search.getEndpointUrl());
    service.getFunction().addEnvironment("ENABLE_ES_HARD_DELETE", Boolean.toString(config.isEnableESHardDelete()));
    // Documents too large for a table item are kept gzipped in the binary bucket under documents/;
    // the indexer reads them from there (read only, that prefix only).
    search.getStreamFunction().addEnvironment("FHIR_BINARY_BUCKET", service.getBinaryBucket().getBucketName());
    search.getStreamFunction().addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("s3:GetObject"))
        .resources(List.of(service.getBinaryBucket().arnForObjects("documents/*")))
        .build());
    service.getBucketKey().grantDecrypt(search.getStreamFunction());
    Suppressions.suppress(search.getStreamFunction().getRole(), "AwsSolutions-IAM5",
        "GetObject on the binary bucket's documents/ prefix only: the large resource documents the table points to.",
        Suppressions.matching("^Resource::<[A-Za-z0-9]*BinaryBucket[A-F0-9]{8}\\.Arn>\\/documents\\/\\*$"));

    this.alarms = new FhirAlarms(serviceStack, "Alarms", FhirAlarmsProps.builder()
        .stage(stage)
        .service(service)
        .search(search)
        .alarmEmail(config.getAlarmEmail())
        .build());

    addServiceOutputs();

    if (config.isEnableBackup()) {
      this.backupStack = new Stack(scope, config.backupStackName(), stackProps(config.backupStackName(),
          "fwoa daily AWS Backup of the FHIR service data (stage " + stage + ")", synthesizer));
      this.backup = new FhirBackup(backupStack, "Backup", FhirBackupProps.builder()
          .stage(stage)
          .retentionDays(config.getBackupRetentionDays())
          .build());
      backupStack.addStackDependency(serviceStack, "the backup selection covers the service's tagged data stores");
      output(backupStack, FhirOutputs.BACKUP_VAULT_NAME, backup.getVault().getBackupVaultName(),
          "AWS Backup vault with the daily recovery points");
      output(backupStack, FhirOutputs.BACKUP_PLAN_ID, backup.getPlan().getBackupPlanId(), "AWS Backup plan id");
    } else {
      this.backupStack = null;
      this.backup = null;
    }
  }

  private StackProps stackProps(String name, String description, Supplier<IStackSynthesizer> synthesizer) {
    StackProps.Builder b = StackProps.builder()
        .stackName(name)
        .description(description)
        .env(Environment.builder().region(config.getRegion()).account(config.getAccount()).build())
        .terminationProtection(config.isProduction())
        .tags(Map.of("FHIR_SERVICE", "fhir-service-" + config.getRegion() + "-" + config.getStage()));
    if (synthesizer != null) {
      b.synthesizer(synthesizer.get());
    }
    return b.build();
  }

  private void addServiceOutputs() {
    Stack s = serviceStack;
    output(s, FhirOutputs.SERVICE_ENDPOINT, service.getUrl(), "FHIR API base URL");
    output(s, FhirOutputs.DEVELOPER_API_KEY, service.getApiKey().getKeyId(),
        "Id of the API key to send as x-api-key (read its value with: aws apigateway get-api-key --include-value --api-key <id>)");
    output(s, FhirOutputs.BINARY_BUCKET, service.getBinaryBucket().getBucketArn(), "Binary resources bucket (ARN, as FWoA)");
    output(s, FhirOutputs.RESOURCE_TABLE_ARN, service.getTable().getTableArn(), "FHIR resource table ARN");
    output(s, FhirOutputs.RESOURCE_TABLE_STREAM_ARN, service.getTable().getTableStreamArn(), "FHIR resource table stream ARN");
    output(s, FhirOutputs.SEARCH_ENDPOINT, search.getEndpointUrl(), "OpenSearch domain endpoint");
    output(s, FhirOutputs.ALARM_TOPIC_ARN, alarms.getTopic().getTopicArn(), "SNS topic of the CloudWatch alarms");
    if (service.isSmart()) {
      output(s, FhirOutputs.SMART_CONFIGURATION_ENDPOINT, service.getSmartConfigurationUrl(),
          "SMART on FHIR discovery document (public): issuer, keys, authorize and token endpoints, scopes");
    } else {
      output(s, FhirOutputs.USER_POOL_ID, service.getUserPool().getUserPoolId(), "Cognito user pool id");
      output(s, FhirOutputs.USER_POOL_APP_CLIENT_ID, service.getUserPoolClient().getUserPoolClientId(),
          "Cognito app client id");
    }
    if (search.getDashboardsUserPool() != null) {
      output(s, FhirOutputs.DASHBOARDS_ENDPOINT, search.getDashboardsUrl(), "OpenSearch Dashboards URL (dev only)");
      output(s, FhirOutputs.DASHBOARDS_USER_POOL_ID, search.getDashboardsUserPool().getUserPoolId(),
          "Dashboards Cognito user pool id (dev only)");
      output(s, FhirOutputs.DASHBOARDS_USER_POOL_APP_CLIENT_ID,
          search.getDashboardsUserPoolClient().getUserPoolClientId(), "Dashboards Cognito app client id (dev only)");
    }
  }

  private static void output(Stack stack, String name, String value, String description) {
    // Declared on the stack with the exact name, so the output key is FWoA's, not a hashed path.
    CfnOutput.Builder.create(stack, name).value(value).description(description).build();
  }

  public FhirDeploymentConfig getConfig() {
    return config;
  }

  public Stack getServiceStack() {
    return serviceStack;
  }

  /** The backup stack, or null when backup is off. */
  public Stack getBackupStack() {
    return backupStack;
  }

  public FhirService getService() {
    return service;
  }

  public FhirSearch getSearch() {
    return search;
  }

  public FhirAlarms getAlarms() {
    return alarms;
  }

  /** The backup construct, or null when backup is off. */
  public FhirBackup getBackup() {
    return backup;
  }
}
