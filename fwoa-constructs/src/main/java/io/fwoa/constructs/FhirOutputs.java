package io.fwoa.constructs;

/**
 * Names of the CloudFormation outputs. They are FWoA's, so scripts written against FWoA's
 * Info_Output.log keep working.
 */
public final class FhirOutputs {

  public static final String USER_POOL_ID = "userPoolId";
  public static final String USER_POOL_APP_CLIENT_ID = "userPoolAppClientId";
  public static final String BINARY_BUCKET = "FHIRBinaryBucket";
  public static final String RESOURCE_TABLE_ARN = "resourceDynamoDbTableArnOutput";
  public static final String RESOURCE_TABLE_STREAM_ARN = "resourceDynamoDbTableStreamArnOutput";
  public static final String SEARCH_ENDPOINT = "elasticsearchDomainEndpointOutput";
  /** The API key's id; its value is a secret and is never an output. */
  public static final String DEVELOPER_API_KEY = "developerApiKeyOutput";
  public static final String SERVICE_ENDPOINT = "ServiceEndpoint";
  /** SMART only: the discovery document's URL (fwoa's own; FWoA had none). */
  public static final String SMART_CONFIGURATION_ENDPOINT = "SmartConfigurationEndpoint";
  public static final String DASHBOARDS_ENDPOINT = "elasticsearchDomainKibanaEndpointOutput";
  public static final String DASHBOARDS_USER_POOL_ID = "elasticsearchKibanaUserPoolIdOutput";
  public static final String DASHBOARDS_USER_POOL_APP_CLIENT_ID = "elasticsearchKibanaUserPoolAppClientIdOutput";
  public static final String ALARM_TOPIC_ARN = "alarmTopicArnOutput";
  public static final String BACKUP_VAULT_NAME = "backupVaultNameOutput";
  public static final String BACKUP_PLAN_ID = "backupPlanIdOutput";

  private FhirOutputs() {}
}
