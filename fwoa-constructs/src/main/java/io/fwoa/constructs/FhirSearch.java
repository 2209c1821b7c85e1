package io.fwoa.constructs;

import io.fwoa.constructs.nag.Suppressions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Names;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.UniqueResourceNameOptions;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.CfnIdentityPool;
import software.amazon.awscdk.services.cognito.CfnIdentityPoolRoleAttachment;
import software.amazon.awscdk.services.cognito.CognitoDomainOptions;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.StandardAttribute;
import software.amazon.awscdk.services.cognito.StandardAttributes;
import software.amazon.awscdk.services.cognito.StandardThreatProtectionMode;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.amazon.awscdk.services.cognito.UserPoolDomainOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.FederatedPrincipal;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.CfnResourcePolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.opensearchservice.CapacityConfig;
import software.amazon.awscdk.services.opensearchservice.CfnDomain;
import software.amazon.awscdk.services.opensearchservice.CognitoOptions;
import software.amazon.awscdk.services.opensearchservice.Domain;
import software.amazon.awscdk.services.opensearchservice.EbsOptions;
import software.amazon.awscdk.services.opensearchservice.EncryptionAtRestOptions;
import software.amazon.awscdk.services.opensearchservice.EngineVersion;
import software.amazon.awscdk.services.opensearchservice.LoggingOptions;
import software.amazon.awscdk.services.opensearchservice.TLSSecurityPolicy;
import software.amazon.awscdk.services.opensearchservice.ZoneAwarenessConfig;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * FHIR search: an OpenSearch 2.x domain (encrypted at rest with a customer-managed key,
 * node-to-node encryption, HTTPS only), the DynamoDB stream to index function with a dead-letter
 * queue for batches that keep failing, and optionally OpenSearch Dashboards behind their own
 * Cognito user pool.
 */
public class FhirSearch extends Construct {

  private final FhirSearchProps props;
  private final Key key;
  private final Domain domain;
  private final String domainName;
  private final Function streamFunction;
  private final Queue deadLetterQueue;
  private final UserPool dashboardsUserPool;
  private final UserPoolClient dashboardsUserPoolClient;
  private Role dashboardsUserRole;

  public FhirSearch(Construct scope, String id, FhirSearchProps props) {
    super(scope, id);
    this.props = props;
    this.domainName = props.getDomainName() != null ? props.getDomainName() : defaultDomainName();
    this.key = ServiceKeys.key(this, "Key", "fwoa OpenSearch key (" + props.getStage() + ")", props.getRemovalPolicy());
    IKey logKey = props.getLogKey() != null ? props.getLogKey()
        : ServiceKeys.logKey(this, "LogKey", "fwoa search logs key (" + props.getStage() + ")", props.getRemovalPolicy());

    Domain.Builder domainBuilder = Domain.Builder.create(this, "Domain")
        .domainName(domainName)
        .version(EngineVersion.OPENSEARCH_2_19)
        .enableVersionUpgrade(true)
        .capacity(capacity())
        .ebs(EbsOptions.builder()
            .enabled(true)
            .volumeType(EbsDeviceVolumeType.GP3)
            .volumeSize(props.getVolumeSize())
            .build())
        .encryptionAtRest(EncryptionAtRestOptions.builder().enabled(true).kmsKey(key).build())
        .nodeToNodeEncryption(true)
        .enforceHttps(true)
        .tlsSecurityPolicy(TLSSecurityPolicy.TLS_1_2)
        .removalPolicy(props.getRemovalPolicy());
    if (props.getSizing() == FhirSearchProps.Sizing.PRODUCTION) {
      domainBuilder.zoneAwareness(ZoneAwarenessConfig.builder().enabled(true).availabilityZoneCount(2).build());
    }
    if (props.isLogPublishing()) {
      LogGroup logs = LogGroup.Builder.create(this, "DomainLogs")
          .encryptionKey(logKey)
          .retention(props.getLogRetention())
          .removalPolicy(props.getRemovalPolicy())
          .build();
      domainBuilder.logging(LoggingOptions.builder()
          .appLogEnabled(true).appLogGroup(logs)
          .slowSearchLogEnabled(true).slowSearchLogGroup(logs)
          .slowIndexLogEnabled(true).slowIndexLogGroup(logs)
          .build());
      // A native resource policy instead of the CDK's default, which needs a custom-resource Lambda.
      domainBuilder.suppressLogsResourcePolicy(true);
      allowOpenSearchToWriteLogs(logs);
    }

    UserPool dashPool = null;
    UserPoolClient dashClient = null;
    if (props.isDashboards()) {
      dashPool = createDashboardsUserPool();
      dashClient = dashPool.addClient("DashboardsClient", UserPoolClientOptions.builder()
          .generateSecret(false)
          .authFlows(AuthFlow.builder().userPassword(true).adminUserPassword(true).build())
          .preventUserExistenceErrors(true)
          .enableTokenRevocation(true)
          .build());
      domainBuilder.cognitoDashboardsAuth(dashboardsAuth(dashPool));
    }
    this.dashboardsUserPool = dashPool;
    this.dashboardsUserPoolClient = dashClient;
    this.domain = domainBuilder.build();
    if (dashboardsUserRole != null) {
      allowDashboardsUsers(dashboardsUserRole);
    }

    Suppressions.suppress(domain, "AwsSolutions-OS1",
        "As in FWoA the domain is not in a VPC: every request is signed with SigV4 and authorized by IAM.");
    Suppressions.suppress(domain, "HIPAA.Security-OpenSearchInVPCOnly",
        "As in FWoA the domain is not in a VPC: every request is signed with SigV4 and authorized by IAM.");
    Suppressions.suppress(domain, "AwsSolutions-OS3",
        "Access is restricted by IAM (SigV4-signed requests from the fwoa functions' roles), not by IP.");
    Suppressions.suppress(domain, "AwsSolutions-OS5",
        "The domain has no resource policy granting anonymous access; IAM identity policies authorize "
            + "each caller, and Dashboards users come through Cognito.");
    if (props.getSizing() == FhirSearchProps.Sizing.SMALL) {
      String reason = "SMALL sizing is for development: one data node, so no dedicated masters or zone awareness.";
      Suppressions.suppress(domain, "AwsSolutions-OS4", reason);
      Suppressions.suppress(domain, "AwsSolutions-OS7", reason);
    }
    if (!props.isLogPublishing()) {
      String reason = "Log publishing was turned off explicitly (logPublishing=false).";
      Suppressions.suppress(domain, "AwsSolutions-OS9", reason);
      Suppressions.suppress(domain, "HIPAA.Security-OpenSearchLogsToCloudWatch", reason);
    }

    this.deadLetterQueue = Queue.Builder.create(this, "StreamDlq")
        .encryption(QueueEncryption.KMS_MANAGED)
        .enforceSsl(true)
        .retentionPeriod(Duration.days(14))
        .build();
    Suppressions.suppress(deadLetterQueue, "AwsSolutions-SQS3",
        "This queue is itself the dead-letter destination of the stream indexer.");
    this.streamFunction = createStreamFunction(logKey);
  }

  private CapacityConfig capacity() {
    if (props.getSizing() == FhirSearchProps.Sizing.SMALL) {
      return CapacityConfig.builder()
          .dataNodes(1)
          .dataNodeInstanceType(props.getDataNodeInstanceType())
          .multiAzWithStandbyEnabled(false)
          .build();
    }
    return CapacityConfig.builder()
        .dataNodes(4)
        .dataNodeInstanceType(props.getDataNodeInstanceType())
        .masterNodes(3)
        .masterNodeInstanceType(props.getMasterNodeInstanceType())
        .multiAzWithStandbyEnabled(false)
        .build();
  }

  private void allowOpenSearchToWriteLogs(LogGroup logs) {
    CfnResourcePolicy.Builder.create(this, "DomainLogsPolicy")
        .policyName("fwoa-search-logs-" + props.getStage())
        .policyDocument(Stack.of(this).toJsonString(ordered(
            "Version", "2012-10-17",
            "Statement", List.of(ordered(
                "Effect", "Allow",
                "Principal", Map.of("Service", "es.amazonaws.com"),
                "Action", List.of("logs:PutLogEvents", "logs:CreateLogStream"),
                "Resource", logs.getLogGroupArn(),
                "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))))))
        .build();
  }

  /** A map in the given key order: the policy becomes a string, so Map.of's per-JVM order would change it. */
  private static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  /**
   * Domain access policy for signed-in Dashboards users. Written on the CfnDomain with the ARN
   * built from the domain name: the L2 accessPolicies property would add a custom-resource Lambda.
   */
  private void allowDashboardsUsers(Role userRole) {
    String domainArn = "arn:" + Aws.PARTITION + ":es:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":domain/" + domainName;
    CfnDomain cfnDomain = (CfnDomain) domain.getNode().getDefaultChild();
    cfnDomain.setAccessPolicies(PolicyDocument.Builder.create()
        .statements(List.of(PolicyStatement.Builder.create()
            .principals(List.of(new ArnPrincipal(userRole.getRoleArn())))
            .actions(List.of("es:ESHttp*"))
            .resources(List.of(domainArn + "/*"))
            .build()))
        .build());
  }

  private UserPool createDashboardsUserPool() {
    UserPool pool = UserPool.Builder.create(this, "DashboardsUserPool")
        .selfSignUpEnabled(false)
        .signInAliases(SignInAliases.builder().username(true).email(true).build())
        .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
        .standardAttributes(StandardAttributes.builder()
            .email(StandardAttribute.builder().required(true).mutable(true).build())
            .build())
        .passwordPolicy(FhirService.passwordPolicy())
        .accountRecovery(AccountRecovery.EMAIL_ONLY)
        .mfa(Mfa.OPTIONAL)
        .mfaSecondFactor(MfaSecondFactor.builder().otp(true).sms(false).build())
        .featurePlan(FeaturePlan.PLUS)
        .standardThreatProtectionMode(StandardThreatProtectionMode.FULL_FUNCTION)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    Suppressions.suppress(pool, "AwsSolutions-COG2",
        "Dashboards users may enrol TOTP MFA; requiring it would block the admin-created first sign-in "
            + "that fwoa:dashboards-user sets up.");
    // Cognito domain prefixes are global per region: the account id makes this one unique.
    pool.addDomain("DashboardsDomain", UserPoolDomainOptions.builder()
        .cognitoDomain(CognitoDomainOptions.builder()
            .domainPrefix("dashboards-" + props.getStage() + "-" + Aws.ACCOUNT_ID)
            .build())
        .build());
    return pool;
  }

  private CognitoOptions dashboardsAuth(UserPool pool) {
    CfnIdentityPool identityPool = CfnIdentityPool.Builder.create(this, "DashboardsIdentityPool")
        .allowUnauthenticatedIdentities(false)
        .build();
    Role cognitoAccess = Role.Builder.create(this, "DashboardsCognitoAccessRole")
        .assumedBy(new ServicePrincipal("opensearchservice.amazonaws.com"))
        .description("Lets OpenSearch configure Cognito authentication for Dashboards")
        .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonOpenSearchServiceCognitoAccess")))
        .build();
    Suppressions.suppress(cognitoAccess, "AwsSolutions-IAM4",
        "AmazonOpenSearchServiceCognitoAccess is the policy AWS documents for OpenSearch's Cognito role.",
        "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonOpenSearchServiceCognitoAccess");
    Role authenticated = Role.Builder.create(this, "DashboardsUserRole")
        .description("Role of users signed in to OpenSearch Dashboards")
        .assumedBy(new FederatedPrincipal("cognito-identity.amazonaws.com", Map.of(
            "StringEquals", Map.of("cognito-identity.amazonaws.com:aud", identityPool.getRef()),
            "ForAnyValue:StringLike", Map.of("cognito-identity.amazonaws.com:amr", "authenticated")),
            "sts:AssumeRoleWithWebIdentity"))
        .build();
    CfnIdentityPoolRoleAttachment.Builder.create(this, "DashboardsIdentityPoolRoles")
        .identityPoolId(identityPool.getRef())
        .roles(Map.of("authenticated", authenticated.getRoleArn()))
        .build();
    this.dashboardsUserRole = authenticated;
    return CognitoOptions.builder()
        .identityPoolId(identityPool.getRef())
        .userPoolId(pool.getUserPoolId())
        .role(cognitoAccess)
        .build();
  }

  private Function createStreamFunction(IKey logKey) {
    FunctionIdentity identity = FunctionIdentity.create(this, "StreamIndexer",
        "fwoa DynamoDB stream to search index function (" + props.getStage() + ")", logKey, props.getLogRetention(),
        props.getRemovalPolicy());
    Role role = identity.role();
    Function fn = Function.Builder.create(this, "StreamIndexer")
        .description("fwoa DynamoDB stream to OpenSearch indexer (" + props.getStage() + ")")
        .runtime(Runtime.JAVA_21)
        .architecture(props.getArchitecture())
        .handler(ServerCode.STREAM_HANDLER)
        .code(props.getCode() != null ? props.getCode() : ServerCode.bundled())
        .memorySize(1024)
        .timeout(Duration.minutes(5))
        .tracing(Tracing.ACTIVE)
        .logGroup(identity.logs())
        .role(role)
        .environment(Map.of(
            "ELASTICSEARCH_DOMAIN_ENDPOINT", "https://" + domain.getDomainEndpoint(),
            "ENABLE_ES_HARD_DELETE", Boolean.toString(props.isHardDelete()),
            "LOG_LEVEL", props.getLogLevel(),
            "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"))
        .build();
    fn.addEventSource(DynamoEventSource.Builder.create(props.getTable())
        .startingPosition(StartingPosition.TRIM_HORIZON)
        .batchSize(100)
        .maxBatchingWindow(Duration.seconds(1))
        .bisectBatchOnError(true)
        .retryAttempts(3)
        .reportBatchItemFailures(true)
        // FWoA's CDK stream source had no failure destination and dropped failed batches.
        .onFailure(new SqsDlq(deadLetterQueue))
        .build());
    domain.grantReadWrite(fn);
    LambdaSuppressions.apply(fn, role, "Failed stream batches go to the event source mapping's on-failure "
        + "destination (StreamDlq)", "AWS service endpoints over TLS, signed with SigV4 (OpenSearch, and S3 for "
        + "documents too large for the table; Lambda itself reads the stream)");
    suppressDomainPaths(role);
    return fn;
  }

  /**
   * Grants what a search client needs: GET, HEAD and POST (for _search) on the domain's paths.
   * Index writes stay with the stream indexer.
   */
  public Grant grantSearch(IGrantable grantee) {
    Grant grant = Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
        .grantee(grantee)
        .actions(List.of("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"))
        .resourceArns(List.of(domain.getDomainArn(), domain.getDomainArn() + "/*"))
        .build());
    // The finding is on the role's policy, so the suppression goes on the role.
    if (grantee.getGrantPrincipal() instanceof Construct role) {
      suppressDomainPaths(role);
    }
    return grant;
  }

  private void suppressDomainPaths(Construct grantee) {
    Suppressions.suppress(grantee, "AwsSolutions-IAM5",
        "Access to the paths (indexes) of this one search domain.",
        Suppressions.matching("^Resource::<[A-Za-z0-9]*Domain[A-F0-9]{8}\\.Arn>\\/\\*$"));
  }

  private String defaultDomainName() {
    String name = Names.uniqueResourceName(this, UniqueResourceNameOptions.builder()
        .maxLength(28).separator("-").allowedSpecialCharacters("-").build()).toLowerCase(Locale.ROOT);
    return Character.isLetter(name.charAt(0)) ? name : "d" + name.substring(1);
  }

  public FhirSearchProps getProps() {
    return props;
  }

  public Domain getDomain() {
    return domain;
  }

  public String getDomainName() {
    return domainName;
  }

  /** https URL of the domain's REST endpoint. */
  public String getEndpointUrl() {
    return "https://" + domain.getDomainEndpoint();
  }

  /** https URL of OpenSearch Dashboards (only reachable when Dashboards are enabled). */
  public String getDashboardsUrl() {
    return "https://" + domain.getDomainEndpoint() + "/_dashboards";
  }

  public Key getKey() {
    return key;
  }

  public Function getStreamFunction() {
    return streamFunction;
  }

  public Queue getDeadLetterQueue() {
    return deadLetterQueue;
  }

  /** The Dashboards user pool, or null when Dashboards are off. */
  public UserPool getDashboardsUserPool() {
    return dashboardsUserPool;
  }

  /** The Dashboards app client, or null when Dashboards are off. */
  public UserPoolClient getDashboardsUserPoolClient() {
    return dashboardsUserPoolClient;
  }
}
