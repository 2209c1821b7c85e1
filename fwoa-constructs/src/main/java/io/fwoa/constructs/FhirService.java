package io.fwoa.constructs;

import io.fwoa.constructs.nag.Suppressions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.ApiKeyOptions;
import software.amazon.awscdk.services.apigateway.ApiKeySourceType;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.CognitoUserPoolsAuthorizer;
import software.amazon.awscdk.services.apigateway.IApiKey;
import software.amazon.awscdk.services.apigateway.IResource;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.Method;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.ClientAttributes;
import software.amazon.awscdk.services.cognito.CognitoDomainOptions;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.OAuthFlows;
import software.amazon.awscdk.services.cognito.OAuthScope;
import software.amazon.awscdk.services.cognito.OAuthSettings;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.StandardAttribute;
import software.amazon.awscdk.services.cognito.StandardAttributes;
import software.amazon.awscdk.services.cognito.StandardAttributesMask;
import software.amazon.awscdk.services.cognito.StandardThreatProtectionMode;
import software.amazon.awscdk.services.cognito.StringAttribute;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.amazon.awscdk.services.cognito.UserPoolDomainOptions;
import software.amazon.awscdk.services.cognito.UserPoolGroup;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The FHIR API: API Gateway REST API with API key, usage plan and access logs; the FHIR Lambda
 * (java21, SnapStart behind an alias); the DynamoDB resource table; the S3 binary bucket; KMS keys;
 * and either a Cognito user pool with FWoA's groups and authorizer, or SMART on FHIR.
 */
public class FhirService extends Construct {

  /** Cognito groups of FWoA's role-based access control. */
  public static final List<String> GROUPS = List.of("practitioner", "non-practitioner", "auditor");

  private final FhirServiceProps props;
  private final Key logKey;
  private final Key tableKey;
  private final Key bucketKey;
  private final Table table;
  private final Bucket accessLogsBucket;
  private final Bucket binaryBucket;
  private final Function function;
  private final Alias alias;
  private final RestApi api;
  private final IApiKey apiKey;
  private final UserPool userPool;
  private final UserPoolClient userPoolClient;

  public FhirService(Construct scope, String id, FhirServiceProps props) {
    super(scope, id);
    // Grant S3 log delivery through the bucket policy instead of the legacy ACL, whatever the
    // app's feature flags say (ACLs are disabled on every fwoa bucket).
    getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    this.props = props;
    boolean retain = props.getRemovalPolicy() == RemovalPolicy.RETAIN;

    this.logKey = ServiceKeys.logKey(this, "LogKey", "fwoa CloudWatch Logs key (" + props.getStage() + ")",
        props.getRemovalPolicy());
    this.tableKey = ServiceKeys.key(this, "TableKey", "fwoa DynamoDB resource table key (" + props.getStage() + ")",
        props.getRemovalPolicy());
    this.bucketKey = ServiceKeys.key(this, "BucketKey", "fwoa binary bucket key (" + props.getStage() + ")",
        props.getRemovalPolicy());

    this.table = Table.Builder.create(this, "ResourceTable")
        .partitionKey(Attribute.builder().name("id").type(AttributeType.STRING).build())
        .sortKey(Attribute.builder().name("vid").type(AttributeType.NUMBER).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .stream(StreamViewType.NEW_AND_OLD_IMAGES)
        .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
            .pointInTimeRecoveryEnabled(true).build())
        .encryption(TableEncryption.CUSTOMER_MANAGED)
        .encryptionKey(tableKey)
        .deletionProtection(retain)
        .removalPolicy(props.getRemovalPolicy())
        .build();
    tagForBackup(table);
    // History indexes of fwoa-server (sparse, keys only): type history and system history are
    // index queries sorted by lastUpdated, not table scans.
    for (String[] index : new String[][] {{"type-history", "typeHistory"}, {"system-history", "systemHistory"}}) {
      table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
          .indexName(index[0])
          .partitionKey(Attribute.builder().name(index[1]).type(AttributeType.STRING).build())
          .sortKey(Attribute.builder().name("lastUpdated").type(AttributeType.STRING).build())
          .projectionType(ProjectionType.KEYS_ONLY)
          .build());
    }

    this.accessLogsBucket = Bucket.Builder.create(this, "AccessLogsBucket")
        // S3 server access logs can only be delivered to a bucket with SSE-S3 default encryption.
        .encryption(BucketEncryption.S3_MANAGED)
        .enforceSsl(true)
        .minimumTlsVersion(1.2)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .versioned(true)
        .lifecycleRules(List.of(LifecycleRule.builder()
            .id("expire-old-log-versions")
            .noncurrentVersionExpiration(Duration.days(90))
            .build()))
        .removalPolicy(props.getRemovalPolicy())
        .autoDeleteObjects(!retain)
        .build();
    Suppressions.suppress(accessLogsBucket, "AwsSolutions-S1",
        "This is the server access log destination; logging it into itself would loop.");
    Suppressions.suppress(accessLogsBucket, "HIPAA.Security-S3BucketLoggingEnabled",
        "This is the server access log destination; logging it into itself would loop.");
    Suppressions.suppress(accessLogsBucket, "HIPAA.Security-S3DefaultEncryptionKMS",
        "S3 server access logging only delivers to buckets encrypted with SSE-S3, not SSE-KMS.");
    suppressReplication(accessLogsBucket);

    this.binaryBucket = Bucket.Builder.create(this, "BinaryBucket")
        .encryption(BucketEncryption.KMS)
        .encryptionKey(bucketKey)
        .bucketKeyEnabled(true)
        .enforceSsl(true)
        .minimumTlsVersion(1.2)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .versioned(true)
        .serverAccessLogsBucket(accessLogsBucket)
        .serverAccessLogsPrefix("binary-acl/")
        .removalPolicy(props.getRemovalPolicy())
        .autoDeleteObjects(!retain)
        .build();
    tagForBackup(binaryBucket);
    suppressReplication(binaryBucket);
    if (props.isEnforceEncryptionHeaders()) {
      denyUnencryptedUploads(binaryBucket);
    }

    this.function = createFunction();
    this.alias = Alias.Builder.create(this, "FhirServerAlias")
        .aliasName("live")
        .version(function.getCurrentVersion())
        .description("Published SnapStart version that API Gateway invokes")
        .build();

    if (props.getSmart() == null) {
      this.userPool = createUserPool();
      this.userPoolClient = createUserPoolClient(userPool);
      // The function verifies Cognito tokens itself (signature, issuer, audience) against this pool.
      function.addEnvironment("USER_POOL_ID", userPool.getUserPoolId());
      function.addEnvironment("USER_POOL_APP_CLIENT_ID", userPoolClient.getUserPoolClientId());
    } else {
      this.userPool = null;
      this.userPoolClient = null;
    }

    this.api = createApi();
    this.apiKey = api.addApiKey("DeveloperKey", ApiKeyOptions.builder()
        .apiKeyName("developer-key-" + props.getStage())
        .description("fwoa developer API key (" + props.getStage() + ")")
        .build());
    UsagePlan plan = api.addUsagePlan("UsagePlan", UsagePlanProps.builder()
        .name("fhir-service-" + props.getStage())
        .throttle(ThrottleSettings.builder()
            .rateLimit(props.getThrottleRateLimit())
            .burstLimit(props.getThrottleBurstLimit())
            .build())
        .build());
    plan.addApiKey(apiKey);
    plan.addApiStage(UsagePlanPerApiStage.builder().api(api).stage(api.getDeploymentStage()).build());
  }

  private Function createFunction() {
    FunctionIdentity identity = FunctionIdentity.create(this, "FhirServer",
        "fwoa FHIR API function (" + props.getStage() + ")", logKey, props.getLogRetention(), props.getRemovalPolicy());
    Role role = identity.role();

    Map<String, String> env = new HashMap<>();
    env.put("LOG_LEVEL", props.getLogLevel());
    env.put("ENABLE_MULTI_TENANCY", Boolean.toString(props.isEnableMultiTenancy()));
    env.put("ENFORCE_REFERENTIAL_INTEGRITY", Boolean.toString(props.isEnforceReferentialIntegrity()));
    // C1 only: a request-driven function spends its short life in the interpreter and C1 code.
    env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    if (props.getSmart() != null) {
      // Issuer, keys, audience and claims: the function verifies SMART tokens itself.
      env.putAll(props.getSmart().environment());
    }

    Code code = props.getCode() != null ? props.getCode() : ServerCode.bundled();
    Function fn = Function.Builder.create(this, "FhirServer")
        .description("fwoa FHIR R4 API (" + props.getStage() + ")")
        .runtime(Runtime.JAVA_21)
        .architecture(props.getArchitecture())
        .handler(ServerCode.API_HANDLER)
        .code(code)
        .memorySize(props.getMemorySize())
        .timeout(props.getTimeout())
        .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
        .tracing(Tracing.ACTIVE)
        .logGroup(identity.logs())
        .role(role)
        .environment(env)
        .build();
    fn.addEnvironment("RESOURCE_TABLE", table.getTableName());
    fn.addEnvironment("FHIR_BINARY_BUCKET", binaryBucket.getBucketName());
    fn.addEnvironment("S3_KMS_KEY", bucketKey.getKeyArn());
    table.grantReadWriteData(fn);
    // Read and put only: Binary deletes are soft (history keeps the content), so no s3:DeleteObject.
    binaryBucket.grantRead(fn);
    binaryBucket.grantPut(fn);

    LambdaSuppressions.apply(fn, role, "The FHIR API function is invoked synchronously by API Gateway",
        "AWS service endpoints over TLS (DynamoDB, S3 and OpenSearch, signed with SigV4) and the token issuer's "
            + "public keys over HTTPS (" + (props.getSmart() == null ? "the Cognito user pool's JWKS"
            : "the SMART authorization server's JWKS, " + jwksDescription(props.getSmart())) + ")");
    Suppressions.suppress(role, "AwsSolutions-IAM5",
        "CDK grant methods scoped to this service's table (and its history indexes), binary bucket (its objects) "
            + "and keys.",
        "Action::kms:ReEncrypt*", "Action::kms:GenerateDataKey*", "Action::s3:GetObject*",
        "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:Abort*",
        Suppressions.matching("^Resource::<[A-Za-z0-9]*BinaryBucket[A-F0-9]{8}\\.Arn>\\/\\*$"),
        Suppressions.matching("^Resource::<[A-Za-z0-9]*ResourceTable[A-F0-9]{8}\\.Arn>\\/index\\/\\*$"));
    Suppressions.suppress(table, "HIPAA.Security-DynamoDBInBackupPlan",
        "Backups are the separate fhir-service-backups-<stage> stack (enableBackup), which selects this "
            + "table by its backup=daily and service=fhir tags; cdk-nag cannot see across stacks. "
            + "Point-in-time recovery is always on.");
    return fn;
  }

  private UserPool createUserPool() {
    UserPool.Builder b = UserPool.Builder.create(this, "UserPool")
        .selfSignUpEnabled(false)
        .signInAliases(SignInAliases.builder().username(true).email(true).build())
        .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
        .standardAttributes(StandardAttributes.builder()
            .email(StandardAttribute.builder().required(true).mutable(true).build())
            .build())
        // FWoA's custom attributes: tenantId drives multi-tenancy. Sorted: the schema is a list in
        // the template, and Map.of's per-JVM order would make every synth a different template.
        .customAttributes(new java.util.TreeMap<>(Map.of(
            "tenantId", StringAttribute.Builder.create().mutable(true).maxLen(64).build(),
            "cc_confirmed", StringAttribute.Builder.create().mutable(true).build())))
        .passwordPolicy(passwordPolicy())
        .accountRecovery(AccountRecovery.EMAIL_ONLY)
        .mfa(Mfa.OPTIONAL)
        .mfaSecondFactor(MfaSecondFactor.builder().otp(true).sms(false).build())
        .deletionProtection(props.getRemovalPolicy() == RemovalPolicy.RETAIN)
        .removalPolicy(props.getRemovalPolicy());
    if (props.isThreatProtection()) {
      b.featurePlan(FeaturePlan.PLUS).standardThreatProtectionMode(StandardThreatProtectionMode.FULL_FUNCTION);
    } else {
      b.featurePlan(FeaturePlan.ESSENTIALS);
    }
    UserPool pool = b.build();
    Suppressions.suppress(pool, "AwsSolutions-COG2",
        "MFA is optional (TOTP) rather than required: API clients and scripts authenticate with "
            + "USER_PASSWORD_AUTH, which required MFA would block. Enforce it per user in Cognito.");
    if (!props.isThreatProtection()) {
      Suppressions.suppress(pool, "AwsSolutions-COG3",
          "Threat protection was turned off explicitly in the FhirService props (threatProtection=false).");
    }

    int precedence = 0;
    for (String group : GROUPS) {
      UserPoolGroup.Builder.create(this, "Group-" + group)
          .userPool(pool)
          .groupName(group)
          .precedence(precedence++)
          .description("fwoa role-based access: " + group)
          .build();
    }
    return pool;
  }

  private UserPoolClient createUserPoolClient(UserPool pool) {
    UserPoolClient client = pool.addClient("AppClient", UserPoolClientOptions.builder()
        .generateSecret(false)
        .authFlows(AuthFlow.builder().userPassword(true).build())
        .oAuth(OAuthSettings.builder()
            // FWoA also allowed the implicit grant; it exposes tokens in URLs and OAuth 2.1 drops it.
            .flows(OAuthFlows.builder().authorizationCodeGrant(true).build())
            .scopes(List.of(OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE))
            .callbackUrls(List.of(props.getOauthRedirect()))
            .build())
        // What a user's own access token may change (UpdateUserAttributes): the email only.
        // custom:tenantId decides which tenant's data a token reaches, so only administrators
        // (fwoa:provision-user's Admin* calls, which these lists do not restrict) may set it. Never
        // empty: Cognito treats an empty or absent list as its default, which lets users write their
        // attributes.
        .writeAttributes(new ClientAttributes()
            .withStandardAttributes(StandardAttributesMask.builder().email(true).build()))
        // What tokens and GetUser show: the server reads custom:tenantId from the ID token.
        .readAttributes(new ClientAttributes()
            .withStandardAttributes(StandardAttributesMask.builder().email(true).emailVerified(true).build())
            .withCustomAttributes("tenantId"))
        .preventUserExistenceErrors(true)
        .enableTokenRevocation(true)
        .accessTokenValidity(Duration.hours(1))
        .idTokenValidity(Duration.hours(1))
        .refreshTokenValidity(Duration.days(30))
        .build());
    // Cognito domain prefixes are global per region; the client id is unique (as FWoA did).
    pool.addDomain("Domain", UserPoolDomainOptions.builder()
        .cognitoDomain(CognitoDomainOptions.builder().domainPrefix(client.getUserPoolClientId()).build())
        .build());
    return client;
  }

  static PasswordPolicy passwordPolicy() {
    return PasswordPolicy.builder()
        .minLength(8)
        .requireDigits(true)
        .requireLowercase(true)
        .requireUppercase(true)
        .requireSymbols(true)
        .tempPasswordValidity(Duration.days(3))
        .build();
  }

  private RestApi createApi() {
    LogGroup accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs")
        .encryptionKey(logKey)
        .retention(props.getLogRetention())
        .removalPolicy(props.getRemovalPolicy())
        .build();
    RestApi restApi = RestApi.Builder.create(this, "Api")
        .restApiName(props.getStage() + "-fhir-service")
        .description("fwoa FHIR R4 API (" + props.getStage() + ")")
        .endpointTypes(List.of(props.getEndpointType()))
        .apiKeySourceType(ApiKeySourceType.HEADER)
        // Execution and access logging need the account-level API Gateway logging role. Keep it
        // when this stack is deleted: other APIs in the account (another stage) still use it.
        .cloudWatchRole(true)
        .cloudWatchRoleRemovalPolicy(RemovalPolicy.RETAIN)
        .deployOptions(StageOptions.builder()
            .stageName(props.getStage())
            .tracingEnabled(true)
            .metricsEnabled(true)
            .loggingLevel("error".equals(props.getLogLevel()) ? MethodLoggingLevel.ERROR : MethodLoggingLevel.INFO)
            // Full request/response logging would write PHI into CloudWatch.
            .dataTraceEnabled(false)
            .accessLogDestination(new LogGroupLogDestination(accessLogs))
            .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
            .throttlingRateLimit(props.getThrottleRateLimit())
            .throttlingBurstLimit(props.getThrottleBurstLimit())
            .build())
        .build();
    // The CDK's automatic "Endpoint" output would duplicate the ServiceEndpoint output.
    restApi.getNode().tryRemoveChild("Endpoint");

    LambdaIntegration integration = LambdaIntegration.Builder.create(alias).proxy(true).allowTestInvoke(false).build();
    MethodOptions authenticated;
    if (userPool != null) {
      CognitoUserPoolsAuthorizer authorizer = CognitoUserPoolsAuthorizer.Builder.create(this, "Authorizer")
          .authorizerName("fhir-works-authorizer-" + props.getStage())
          .cognitoUserPools(List.of(userPool))
          .identitySource("method.request.header.Authorization")
          .resultsCacheTtl(Duration.minutes(5))
          .build();
      authenticated = MethodOptions.builder()
          .apiKeyRequired(true)
          .authorizationType(AuthorizationType.COGNITO)
          .authorizer(authorizer)
          .build();
    } else {
      // SMART: no API Gateway authorizer, because the tokens come from an external authorization
      // server. The FHIR function verifies every bearer token itself (RS256/ES256 signature
      // against the issuer's JWKS; iss, aud, exp) and enforces its SMART v1/v2 scopes, patient/
      // scopes within the patient's compartment. API Gateway still requires the API key.
      authenticated = MethodOptions.builder().apiKeyRequired(true).authorizationType(AuthorizationType.NONE).build();
    }
    MethodOptions open = MethodOptions.builder().apiKeyRequired(false).authorizationType(AuthorizationType.NONE).build();

    IResource root = restApi.getRoot();
    Method rootMethod = root.addMethod("ANY", integration, authenticated);
    Method proxyMethod = root.addResource("{proxy+}").addMethod("ANY", integration, authenticated);
    List<Method> openMethods = new ArrayList<>();
    openMethods.add(root.addResource("metadata").addMethod("GET", integration, open));
    IResource tenant = null;
    if (props.isEnableMultiTenancy()) {
      tenant = root.addResource("tenant").addResource("{tenantId}");
      openMethods.add(tenant.addResource("metadata").addMethod("GET", integration, open));
    }
    if (props.getSmart() != null) {
      openMethods.add(root.addResource(".well-known").addResource("smart-configuration")
          .addMethod("GET", integration, open));
      if (tenant != null) {
        openMethods.add(tenant.addResource(".well-known").addResource("smart-configuration")
            .addMethod("GET", integration, open));
      }
      for (Method m : List.of(rootMethod, proxyMethod)) {
        Suppressions.suppress(m, "AwsSolutions-COG4",
            "SMART on FHIR: bearer tokens come from the configured external authorization server, not Cognito. "
                + "The FHIR function verifies each one (RS256/ES256 signature against the issuer's JWKS; iss, "
                + "aud and exp) before any data access. The API key is still required.");
        Suppressions.suppress(m, "AwsSolutions-APIG4",
            "SMART on FHIR: the FHIR function authorizes every request from its verified bearer token, by "
                + "its SMART v1/v2 scopes (patient/ scopes within the patient's compartment). The API key is "
                + "still required.");
      }
    }
    for (Method m : openMethods) {
      String reason = "FHIR requires the capability statement (/metadata), and SMART App Launch the SMART "
          + "configuration (/.well-known/smart-configuration), to be readable without credentials; they hold "
          + "no patient data.";
      Suppressions.suppress(m, "AwsSolutions-APIG4", reason);
      Suppressions.suppress(m, "AwsSolutions-COG4", reason);
    }

    Suppressions.suppress(restApi, "AwsSolutions-APIG2",
        "Request bodies are FHIR resources, validated by the FHIR server's parser with a FHIR "
            + "OperationOutcome; an API Gateway JSON model cannot express FHIR validation.");
    Suppressions.suppress(restApi, "AwsSolutions-APIG3",
        "No WAF web ACL by default (FWoA had none): attach one to the stage when the API is internet facing.");
    Suppressions.suppress(restApi, "HIPAA.Security-APIGWCacheEnabledAndEncrypted",
        "Caching is off on purpose: a shared response cache would serve one user's PHI to another.");
    Suppressions.suppress(restApi, "HIPAA.Security-APIGWSSLEnabled",
        "The backend is a Lambda proxy integration, not an HTTP endpoint, so there is no backend "
            + "TLS connection for a client certificate to protect.");
    Suppressions.suppress(restApi, "AwsSolutions-IAM4",
        "API Gateway's account-level CloudWatch role uses AmazonAPIGatewayPushToCloudWatchLogs, the "
            + "policy AWS documents for it.",
        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
    return restApi;
  }

  private static String jwksDescription(SmartAuth smart) {
    return smart.getJwksUri() != null ? smart.getJwksUri() : smart.getOAuth2ApiEndpoint() + "/keys";
  }

  private static void tagForBackup(Construct dataStore) {
    // The backup plan (FhirBackup) selects resources carrying both tags, as FWoA's guide documents.
    Tags.of(dataStore).add(FhirBackup.TAG_BACKUP, FhirBackup.TAG_BACKUP_VALUE);
    Tags.of(dataStore).add(FhirBackup.TAG_SERVICE, FhirBackup.TAG_SERVICE_VALUE);
  }

  private static void suppressReplication(Bucket bucket) {
    Suppressions.suppress(bucket, "HIPAA.Security-S3BucketReplicationEnabled",
        "Cross-region replication is a disaster-recovery choice with a second region; durability here "
            + "comes from versioning and the optional AWS Backup plan (enableBackup).");
  }

  /** The bucket policy of FWoA's install guide ("Adding encryption to S3 bucket policy"). */
  private static void denyUnencryptedUploads(Bucket bucket) {
    bucket.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("DenyUnEncryptedObjectUploads")
        .effect(Effect.DENY)
        .principals(List.of(new AnyPrincipal()))
        .actions(List.of("s3:PutObject"))
        .resources(List.of(bucket.arnForObjects("*")))
        .conditions(Map.of("Null", Map.of("s3:x-amz-server-side-encryption", "true")))
        .build());
    bucket.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("DenyIncorrectEncryptionHeader")
        .effect(Effect.DENY)
        .principals(List.of(new AnyPrincipal()))
        .actions(List.of("s3:PutObject"))
        .resources(List.of(bucket.arnForObjects("*")))
        .conditions(Map.of("StringNotEquals", Map.of("s3:x-amz-server-side-encryption", "aws:kms")))
        .build());
  }

  public FhirServiceProps getProps() {
    return props;
  }

  public boolean isSmart() {
    return props.getSmart() != null;
  }

  /**
   * The SMART discovery document's URL (below the stage; with multi-tenancy also below each
   * {@code /tenant/<id>}), or null without SMART.
   */
  public String getSmartConfigurationUrl() {
    return isSmart() ? api.urlForPath("/.well-known/smart-configuration") : null;
  }

  /** The key for this service's CloudWatch log groups; other constructs may share it. */
  public Key getLogKey() {
    return logKey;
  }

  public Key getTableKey() {
    return tableKey;
  }

  public Key getBucketKey() {
    return bucketKey;
  }

  public Table getTable() {
    return table;
  }

  public Bucket getBinaryBucket() {
    return binaryBucket;
  }

  public Bucket getAccessLogsBucket() {
    return accessLogsBucket;
  }

  public Function getFunction() {
    return function;
  }

  /** The alias API Gateway invokes (a published version, so SnapStart applies). */
  public Alias getAlias() {
    return alias;
  }

  public RestApi getApi() {
    return api;
  }

  public IApiKey getApiKey() {
    return apiKey;
  }

  /** The Cognito user pool, or null for a SMART on FHIR service. */
  public UserPool getUserPool() {
    return userPool;
  }

  /** The Cognito app client, or null for a SMART on FHIR service. */
  public UserPoolClient getUserPoolClient() {
    return userPoolClient;
  }

  /** The account and region-independent URL of the deployed API stage. */
  public String getUrl() {
    return api.getUrl();
  }
}
