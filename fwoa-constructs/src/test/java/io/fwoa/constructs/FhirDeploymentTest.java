package io.fwoa.constructs;

import static io.fwoa.constructs.TestStacks.properties;
import static io.fwoa.constructs.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class FhirDeploymentTest {

  private static final Set<String> ALWAYS = Set.of(
      FhirOutputs.SERVICE_ENDPOINT, FhirOutputs.DEVELOPER_API_KEY, FhirOutputs.BINARY_BUCKET,
      FhirOutputs.RESOURCE_TABLE_ARN, FhirOutputs.RESOURCE_TABLE_STREAM_ARN, FhirOutputs.SEARCH_ENDPOINT);
  private static final Set<String> COGNITO = Set.of(FhirOutputs.USER_POOL_ID, FhirOutputs.USER_POOL_APP_CLIENT_ID);
  private static final Set<String> DASHBOARDS = Set.of(FhirOutputs.DASHBOARDS_ENDPOINT,
      FhirOutputs.DASHBOARDS_USER_POOL_ID, FhirOutputs.DASHBOARDS_USER_POOL_APP_CLIENT_ID);

  private static FhirDeployment deploy(FhirDeploymentConfig.Builder config) {
    return new FhirDeployment(TestStacks.app(), config.build());
  }

  private static Set<String> outputs(Template t) {
    return t.findOutputs("*").keySet();
  }

  @Test
  void devStageIsOneStackWithFwoaOutputsAndDashboards() {
    FhirDeployment d = deploy(FhirDeploymentConfig.builder());
    assertThat(d.getServiceStack().getStackName()).isEqualTo("fhir-service-dev");
    assertThat(d.getBackupStack()).isNull();
    Template t = Template.fromStack(d.getServiceStack());
    assertThat(outputs(t)).containsAll(ALWAYS).containsAll(COGNITO).containsAll(DASHBOARDS)
        .doesNotContain(FhirOutputs.SMART_CONFIGURATION_ENDPOINT);
    t.hasOutput(FhirOutputs.DASHBOARDS_ENDPOINT, Match.objectLike(Map.of(
        "Value", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of("/_dashboards")))))));
    t.hasResourceProperties("AWS::OpenSearchService::Domain", Match.objectLike(Map.of(
        "DomainName", "fhir-service-dev",
        "ClusterConfig", Match.objectLike(Map.of("InstanceCount", 1)))));
    assertThat(d.getServiceStack().getTerminationProtection()).isFalse();
  }

  @Test
  void streamIndexerReadsLargeDocumentsFromTheBinaryBucketOnly() {
    Template t = Template.fromStack(deploy(FhirDeploymentConfig.builder()).getServiceStack());
    t.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", ServerCode.STREAM_HANDLER,
        "Environment", Match.objectLike(Map.of("Variables", Match.objectLike(Map.of(
            "FHIR_BINARY_BUCKET", Match.anyValue(), "ELASTICSEARCH_DOMAIN_ENDPOINT", Match.anyValue())))))));
    String policies = t.findResources("AWS::IAM::Policy").toString();
    assertThat(policies).contains("documents/*");
  }

  /**
   * The environment variable names fwoa-server reads: the String constants of its ServerConfig and
   * SmartSettings (read from the source, as the server is not on this module's class path), and
   * the JVM's options.
   */
  private static Set<String> readByTheServer() throws java.io.IOException {
    Set<String> names = new java.util.TreeSet<>(Set.of("JAVA_TOOL_OPTIONS"));
    for (String file : List.of("ServerConfig.java", "SmartSettings.java")) {
      String source = java.nio.file.Files.readString(java.nio.file.Path.of(
          "../fwoa-server/src/main/java/io/fwoa/server/config/" + file));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "public static final String [A-Z0-9_]+ = \"([A-Z0-9_]+)\";").matcher(source);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    assertThat(names).contains("LOG_LEVEL", "RESOURCE_TABLE", "ISSUER_ENDPOINT", "SMART_JWKS_URI");
    return names;
  }

  @Test
  void everyEnvironmentVariableOfTheFunctionsIsOneTheServerReads() throws Exception {
    Set<String> read = readByTheServer();
    for (FhirDeploymentConfig.Builder config : List.of(FhirDeploymentConfig.builder(),
        FhirDeploymentConfig.builder().enableMultiTenancy(true).logLevel("debug"),
        FhirDeploymentConfig.builder().issuerEndpoint("https://auth.example.org")
            .oAuth2ApiEndpoint("https://auth.example.org/oauth2").patientPickerEndpoint("https://auth.example.org/picker")
            .smartAudience("api://default").smartPatientClaim("ext.launch_context.patient")
            .smartFhirUserClaim("fhirUser").smartTenantClaim("tenantId").smartJwksUri("https://auth.example.org/jwks")
            .enableMultiTenancy(true))) {
      Template t = Template.fromStack(deploy(config).getServiceStack());
      Map<String, Map<String, Object>> functions = resources(t, "AWS::Lambda::Function");
      long fwoaFunctions = functions.values().stream().map(TestStacks::properties)
          .filter(p -> String.valueOf(p.get("Handler")).startsWith("io.fwoa.server."))
          .peek(p -> assertThat(variables(p).keySet()).as("environment of %s", p.get("Handler"))
              .contains("LOG_LEVEL").isSubsetOf(read))
          .count();
      assertThat(fwoaFunctions).isEqualTo(2);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> variables(Map<String, Object> function) {
    return (Map<String, Object>) ((Map<String, Object>) function.get("Environment")).get("Variables");
  }

  @Test
  void developerKeyOutputIsTheKeyIdNeverItsValue() {
    Template t = Template.fromStack(deploy(FhirDeploymentConfig.builder()).getServiceStack());
    String keyId = FhirServiceTest.logicalId(t, "AWS::ApiGateway::ApiKey", "DeveloperKey");
    t.hasOutput(FhirOutputs.DEVELOPER_API_KEY, Match.objectLike(Map.of("Value", Map.of("Ref", keyId))));
  }

  @Test
  void devDestroysDataWithTheStack() {
    Template t = Template.fromStack(deploy(FhirDeploymentConfig.builder()).getServiceStack());
    for (String type : List.of("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Cognito::UserPool")) {
      resources(t, type).values().forEach(r -> assertThat(r.get("DeletionPolicy")).as(type).isEqualTo("Delete"));
    }
  }

  @Test
  void prodRetainsDataProtectsTheStackSizesSearchForProductionAndHasNoDashboards() {
    FhirDeployment d = deploy(FhirDeploymentConfig.builder().stage("prod"));
    assertThat(d.getServiceStack().getStackName()).isEqualTo("fhir-service-prod");
    assertThat(d.getServiceStack().getTerminationProtection()).isTrue();
    Template t = Template.fromStack(d.getServiceStack());
    for (String type : List.of("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Cognito::UserPool")) {
      resources(t, type).values().forEach(r -> assertThat(r.get("DeletionPolicy")).as(type).isEqualTo("Retain"));
    }
    t.hasResourceProperties("AWS::Cognito::UserPool", Match.objectLike(Map.of("DeletionProtection", "ACTIVE")));
    t.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
    t.hasResourceProperties("AWS::OpenSearchService::Domain", Match.objectLike(Map.of(
        "ClusterConfig", Match.objectLike(Map.of("InstanceCount", 4, "DedicatedMasterEnabled", true)))));
    assertThat(properties(TestStacks.only(t, "AWS::OpenSearchService::Domain"))).doesNotContainKey("CognitoOptions");
    t.resourceCountIs("AWS::Cognito::UserPool", 1);
    assertThat(outputs(t)).containsAll(ALWAYS).containsAll(COGNITO).doesNotContainAnyElementsOf(DASHBOARDS);
  }

  @Test
  void otherStagesGetProductionSizingWithoutRetention() {
    Template t = Template.fromStack(deploy(FhirDeploymentConfig.builder().stage("staging")).getServiceStack());
    t.hasResourceProperties("AWS::OpenSearchService::Domain", Match.objectLike(Map.of(
        "ClusterConfig", Match.objectLike(Map.of("InstanceCount", 4)))));
    t.hasResource("AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionPolicy", "Delete")));
  }

  @Test
  void referentialIntegrityReachesTheFhirFunction() {
    Template t = Template.fromStack(deploy(FhirDeploymentConfig.builder().enforceReferentialIntegrity(true))
        .getServiceStack());
    t.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", ServerCode.API_HANDLER,
        "Environment", Match.objectLike(Map.of("Variables", Match.objectLike(Map.of(
            "ENFORCE_REFERENTIAL_INTEGRITY", "true")))))));
  }

  @Test
  void smartDeploymentHasNoCognitoOutputs() {
    Template t = Template.fromStack(deploy(FhirDeploymentConfig.builder()
        .issuerEndpoint("https://auth.example.org").oAuth2ApiEndpoint("https://auth.example.org/oauth2")
        .patientPickerEndpoint("https://auth.example.org/picker")).getServiceStack());
    assertThat(outputs(t)).containsAll(ALWAYS).doesNotContainAnyElementsOf(COGNITO);
    // The discovery document's URL: the API stage's URL and the well-known path.
    t.hasOutput(FhirOutputs.SMART_CONFIGURATION_ENDPOINT, Match.objectLike(Map.of(
        "Value", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of("/.well-known/smart-configuration")))))));
    // Dashboards keep their own user pool in dev; the FHIR API has none.
    t.resourceCountIs("AWS::Cognito::UserPool", 1);
    t.resourceCountIs("AWS::ApiGateway::Authorizer", 0);
  }

  @Test
  void backupIsASeparateStackDeployedAfterTheService() {
    App app = TestStacks.app();
    FhirDeployment d = new FhirDeployment(app, FhirDeploymentConfig.builder().stage("prod").enableBackup(true).build());
    assertThat(d.getBackupStack().getStackName()).isEqualTo("fhir-service-backups-prod");
    assertThat(d.getBackupStack().getDependencies()).containsExactly(d.getServiceStack());
    Template t = Template.fromStack(d.getBackupStack());
    t.resourceCountIs("AWS::Backup::BackupVault", 1);
    t.resourceCountIs("AWS::Backup::BackupPlan", 1);
    t.resourceCountIs("AWS::Backup::BackupSelection", 1);
    assertThat(outputs(t)).contains(FhirOutputs.BACKUP_VAULT_NAME, FhirOutputs.BACKUP_PLAN_ID);
    t.resourceCountIs("AWS::DynamoDB::Table", 0);
  }

  @Test
  void stacksTargetTheConfiguredRegionAndAccount() {
    FhirDeployment d = deploy(FhirDeploymentConfig.builder().region("eu-central-1").account("210987654321"));
    assertThat(d.getServiceStack().getRegion()).isEqualTo("eu-central-1");
    assertThat(d.getServiceStack().getAccount()).isEqualTo("210987654321");
  }

  @Test
  void invalidConfigurationIsRejectedBeforeAnyConstruct() {
    App app = TestStacks.app();
    assertThatThrownBy(() -> new FhirDeployment(app, FhirDeploymentConfig.builder().stage("Prod_1").build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("stage");
    assertThat(app.getNode().getChildren()).isEmpty();
  }
}
