package io.fwoa.constructs;

import static io.fwoa.constructs.TestStacks.actionsOfRole;
import static io.fwoa.constructs.TestStacks.properties;
import static io.fwoa.constructs.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class FhirServiceTest {

  private static Template template;

  @BeforeAll
  static void synthesize() {
    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").build());
    template = Template.fromStack(stack);
  }

  @Test
  void resourceTableIsKeyedByIdAndVersionEncryptedWithItsOwnKeyAndStreamed() {
    template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
        "KeySchema", List.of(
            Map.of("AttributeName", "id", "KeyType", "HASH"),
            Map.of("AttributeName", "vid", "KeyType", "RANGE")),
        "AttributeDefinitions", Match.arrayWith(List.of(
            Map.of("AttributeName", "id", "AttributeType", "S"),
            Map.of("AttributeName", "vid", "AttributeType", "N"))),
        "BillingMode", "PAY_PER_REQUEST",
        "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"),
        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
        "SSESpecification", Match.objectLike(Map.of(
            "SSEEnabled", true, "SSEType", "KMS",
            "KMSMasterKeyId", Map.of("Fn::GetAtt", List.of(logicalId("AWS::KMS::Key", "TableKey"), "Arn")))))));
  }

  @Test
  void everyKeyRotates() {
    Map<String, Map<String, Object>> keys = resources(template, "AWS::KMS::Key");
    assertThat(keys).hasSize(3);
    keys.values().forEach(k -> assertThat(properties(k)).containsEntry("EnableKeyRotation", true));
  }

  @Test
  void dataStoresCarryTheBackupSelectionTags() {
    for (String type : List.of("AWS::DynamoDB::Table", "AWS::S3::Bucket")) {
      template.hasResourceProperties(type, Match.objectLike(Map.of("Tags", Match.arrayWith(List.of(
          Map.of("Key", "backup", "Value", "daily"),
          Map.of("Key", "service", "Value", "fhir"))))));
    }
  }

  @Test
  void binaryBucketIsKmsEncryptedVersionedPrivateAndLogged() {
    template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
            "BucketKeyEnabled", true,
            "ServerSideEncryptionByDefault", Map.of(
                "SSEAlgorithm", "aws:kms",
                "KMSMasterKeyID", Map.of("Fn::GetAtt", List.of(logicalId("AWS::KMS::Key", "BucketKey"), "Arn")))))),
        "VersioningConfiguration", Map.of("Status", "Enabled"),
        "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
            "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
        "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "binary-acl/")))));
  }

  @Test
  void bucketsRefuseNonTlsRequests() {
    Map<String, Map<String, Object>> policies = resources(template, "AWS::S3::BucketPolicy");
    assertThat(policies).hasSize(2);
    policies.values().forEach(p -> assertThat(String.valueOf(properties(p).get("PolicyDocument")))
        .contains("aws:SecureTransport=false").contains("Deny"));
  }

  @Test
  void fhirFunctionIsJava21Arm64WithSnapStartBehindAnAlias() {
    template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Runtime", "java21",
        "Architectures", List.of("arm64"),
        "Handler", ServerCode.API_HANDLER,
        "MemorySize", 1024,
        "Timeout", 28,
        "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
        "TracingConfig", Map.of("Mode", "Active"),
        "Environment", Map.of("Variables", Match.objectLike(Map.of("LOG_LEVEL", "error",
            "RESOURCE_TABLE", Match.anyValue(), "FHIR_BINARY_BUCKET", Match.anyValue()))))));
    template.hasResourceProperties("AWS::Lambda::Alias", Match.objectLike(Map.of("Name", "live")));
  }

  @Test
  void apiGatewayInvokesTheAliasNotTheUnqualifiedFunction() {
    String alias = logicalId("AWS::Lambda::Alias", "FhirServerAlias");
    Map<String, Map<String, Object>> methods = resources(template, "AWS::ApiGateway::Method");
    assertThat(methods).isNotEmpty();
    methods.values().forEach(m -> assertThat(String.valueOf(properties(m).get("Integration"))).contains(alias));
  }

  @Test
  void functionMemoryAndTimeoutAreConfigurableAndTimeoutStaysUnderTheApiLimit() {
    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").memorySize(2048)
        .timeout(Duration.seconds(20)).logLevel("debug").build());
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", ServerCode.API_HANDLER, "MemorySize", 2048, "Timeout", 20,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("LOG_LEVEL", "debug"))))));

    assertThatThrownBy(() -> FhirServiceProps.builder().stage("dev").timeout(Duration.seconds(40)).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("lambdaTimeoutSeconds").hasMessageContaining("29");
  }

  @Test
  void apiHasEncryptedAccessLogsThrottlingAndNoDataTrace() {
    template.hasResourceProperties("AWS::ApiGateway::Stage", Match.objectLike(Map.of(
        "StageName", "dev",
        "TracingEnabled", true,
        "AccessLogSetting", Match.objectLike(Map.of("DestinationArn", Match.anyValue())),
        "MethodSettings", List.of(Match.objectLike(Map.of(
            "DataTraceEnabled", false, "LoggingLevel", "ERROR",
            "ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100))))));
    Map<String, Map<String, Object>> logGroups = resources(template, "AWS::Logs::LogGroup");
    assertThat(logGroups).hasSize(2);
    logGroups.values().forEach(g -> assertThat(properties(g)).containsKey("KmsKeyId"));
  }

  @Test
  void apiKeyAndUsagePlanAsFwoaHad() {
    template.hasResourceProperties("AWS::ApiGateway::ApiKey", Match.objectLike(Map.of("Name", "developer-key-dev")));
    template.hasResourceProperties("AWS::ApiGateway::UsagePlan", Match.objectLike(Map.of(
        "UsagePlanName", "fhir-service-dev",
        "Throttle", Map.of("RateLimit", 50, "BurstLimit", 100))));
    template.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 1);
  }

  @Test
  void fhirRoutesNeedCognitoAndApiKeyButMetadataIsOpen() {
    Map<String, Map<String, Object>> methods = resources(template, "AWS::ApiGateway::Method");
    long protectedMethods = methods.values().stream().map(TestStacks::properties)
        .filter(p -> "COGNITO_USER_POOLS".equals(p.get("AuthorizationType")) && Boolean.TRUE.equals(p.get("ApiKeyRequired")))
        .count();
    assertThat(protectedMethods).isEqualTo(2);
    template.hasResourceProperties("AWS::ApiGateway::Method", Match.objectLike(Map.of(
        "HttpMethod", "GET", "AuthorizationType", "NONE", "ApiKeyRequired", false,
        "ResourceId", Map.of("Ref", logicalId("AWS::ApiGateway::Resource", "metadata")))));
    template.hasResourceProperties("AWS::ApiGateway::Authorizer", Match.objectLike(Map.of(
        "Type", "COGNITO_USER_POOLS", "IdentitySource", "method.request.header.Authorization")));
  }

  @Test
  void cognitoHasFwoaGroupsAPublicClientAndADomain() {
    template.hasResourceProperties("AWS::Cognito::UserPool", Match.objectLike(Map.of(
        "AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", true),
        "Policies", Map.of("PasswordPolicy", Match.objectLike(Map.of("MinimumLength", 8,
            "RequireSymbols", true, "RequireNumbers", true, "RequireUppercase", true, "RequireLowercase", true))),
        "UserPoolAddOns", Map.of("AdvancedSecurityMode", "ENFORCED"))));
    for (String group : FhirService.GROUPS) {
      template.hasResourceProperties("AWS::Cognito::UserPoolGroup", Match.objectLike(Map.of("GroupName", group)));
    }
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", Match.objectLike(Map.of(
        "ExplicitAuthFlows", Match.arrayWith(List.of("ALLOW_USER_PASSWORD_AUTH")),
        "AllowedOAuthFlows", List.of("code"),
        "CallbackURLs", List.of("http://localhost"),
        "GenerateSecret", false,
        "PreventUserExistenceErrors", "ENABLED")));
    template.resourceCountIs("AWS::Cognito::UserPoolDomain", 1);
  }

  @Test
  void usersCannotWriteTheirOwnTenantThroughTheAppClient() {
    // An absent or empty WriteAttributes is Cognito's default, under which a user's own access token
    // may write their attributes with UpdateUserAttributes: the list must be explicit and non-empty.
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", Match.objectLike(Map.of(
        "WriteAttributes", List.of("email"),
        "ReadAttributes", List.of("custom:tenantId", "email", "email_verified"))));
    template.hasResourceProperties("AWS::Cognito::UserPool", Match.objectLike(Map.of(
        "Schema", Match.arrayWith(List.of(Match.objectLike(Map.of("Name", "tenantId", "Mutable", true)))))));
  }

  @Test
  void functionMayReadAndPutBinariesButNotDeleteThem() {
    List<String> actions = actionsOfRole(template, "FhirServerRole");
    assertThat(actions).contains("s3:PutObject", "dynamodb:PutItem", "dynamodb:Query", "logs:PutLogEvents")
        .noneMatch(a -> a.startsWith("s3:DeleteObject"))
        .noneMatch(a -> a.equals("*") || a.endsWith(":*"));
  }

  @Test
  void dataIsRetainedByDefaultAndDestroyedWhenAsked() {
    template.hasResource("AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionPolicy", "Retain")));
    template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionProtectionEnabled", true)));
    template.resourceCountIs("Custom::S3AutoDeleteObjects", 0);

    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").removalPolicy(RemovalPolicy.DESTROY).build());
    Template destroyed = Template.fromStack(stack);
    destroyed.hasResource("AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionPolicy", "Delete")));
    destroyed.hasResource("AWS::Cognito::UserPool", Match.objectLike(Map.of("DeletionPolicy", "Delete")));
    destroyed.resourceCountIs("Custom::S3AutoDeleteObjects", 2);
  }

  @Test
  void encryptionHeaderPolicyFromTheInstallGuideIsOptional() {
    assertThat(String.valueOf(resources(template, "AWS::S3::BucketPolicy"))).doesNotContain("DenyUnEncryptedObjectUploads");

    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").enforceEncryptionHeaders(true).build());
    String policies = String.valueOf(resources(Template.fromStack(stack), "AWS::S3::BucketPolicy"));
    assertThat(policies).contains("DenyUnEncryptedObjectUploads", "DenyIncorrectEncryptionHeader",
        "s3:x-amz-server-side-encryption=aws:kms");
  }

  @Test
  void multiTenancyAddsTheTenantMetadataRoute() {
    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").enableMultiTenancy(true).build());
    Template t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::ApiGateway::Resource", Match.objectLike(Map.of("PathPart", "{tenantId}")));
    t.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Environment", Map.of("Variables", Match.objectLike(Map.of("ENABLE_MULTI_TENANCY", "true"))))));
  }

  @Test
  void referentialIntegrityIsOffByDefaultAndPassedToTheServerWhenOn() {
    template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", ServerCode.API_HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("ENFORCE_REFERENTIAL_INTEGRITY", "false"))))));

    Stack stack = TestStacks.stack();
    new FhirService(stack, "Fhir", FhirServiceProps.builder().stage("dev").enforceReferentialIntegrity(true).build());
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", ServerCode.API_HANDLER,
        "Environment", Map.of("Variables", Match.objectLike(Map.of("ENFORCE_REFERENTIAL_INTEGRITY", "true"))))));
  }

  /** Logical id of the one resource of a type whose id contains the fragment. */
  static String logicalId(String type, String fragment) {
    return logicalId(template, type, fragment);
  }

  static String logicalId(Template t, String type, String fragment) {
    List<String> ids = resources(t, type).keySet().stream().filter(id -> id.contains(fragment)).toList();
    if (ids.size() != 1) {
      throw new AssertionError("Expected one " + type + " containing " + fragment + ": " + ids);
    }
    return ids.get(0);
  }
}
