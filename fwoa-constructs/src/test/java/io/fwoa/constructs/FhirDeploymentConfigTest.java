package io.fwoa.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FhirDeploymentConfigTest {

  @Test
  void defaultsAreFwoas() {
    FhirDeploymentConfig c = FhirDeploymentConfig.builder().build().validate();
    assertThat(c.getStage()).isEqualTo("dev");
    assertThat(c.getRegion()).isEqualTo("us-west-2");
    assertThat(c.getLogLevel()).isEqualTo("error");
    assertThat(c.getFhirVersion()).isEqualTo("4.0.1");
    assertThat(c.getOauthRedirect()).isEqualTo("http://localhost");
    assertThat(c.isSmart()).isFalse();
    assertThat(c.isEnableBackup()).isFalse();
    assertThat(c.serviceStackName()).isEqualTo("fhir-service-dev");
    assertThat(c.backupStackName()).isEqualTo("fhir-service-backups-dev");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Prod", "prod_1", "1prod", "prod-", "a-very-long-stage-name", "pr od"})
  void invalidStagesAreNamed(String stage) {
    assertThatThrownBy(() -> FhirDeploymentConfig.builder().stage(stage).build().validate())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("stage: '" + stage + "' is not a valid stage");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", "qa-2", "staging"})
  void validStages(String stage) {
    assertThat(FhirDeploymentConfig.builder().stage(stage).build().problems()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "fhirVersion, 3.0.1, 'valid values: 4.0.1'",
      "logLevel, verbose, 'valid values: error, warn, info, debug'",
      "lambdaArchitecture, sparc, 'valid values: arm64, x86_64'",
      "region, Oregon, 'not an AWS region code'",
      "account, 1234, 'not a 12-digit AWS account id'",
      "oauthRedirect, http://example.org/cb, 'http:// is allowed for localhost only'",
      "alarmEmail, not-an-email, 'not an email address'",
  })
  void invalidValuesNameTheSettingAndTheValidValues(String setting, String value, String expected) {
    FhirDeploymentConfig.Builder b = FhirDeploymentConfig.builder();
    switch (setting) {
      case "fhirVersion" -> b.fhirVersion(value);
      case "logLevel" -> b.logLevel(value);
      case "lambdaArchitecture" -> b.lambdaArchitecture(value);
      case "region" -> b.region(value);
      case "account" -> b.account(value);
      case "oauthRedirect" -> b.oauthRedirect(value);
      case "alarmEmail" -> b.alarmEmail(value);
      default -> throw new IllegalArgumentException(setting);
    }
    assertThat(b.build().problems()).singleElement().satisfies(p -> {
      assertThat(p.setting()).isEqualTo(setting);
      assertThat(p.message()).contains(value).contains(expected);
    });
  }

  @Test
  void featuresThatDoNotExistYetAreRefusedSayingSo() {
    assertThat(FhirDeploymentConfig.builder().enableSubscriptions(false).useHapiValidator(false).build().problems())
        .isEmpty();
    List<ConfigurationException.Problem> problems = FhirDeploymentConfig.builder().enableSubscriptions(true)
        .useHapiValidator(true).build().problems();
    assertThat(problems).extracting(ConfigurationException.Problem::setting)
        .containsExactly("enableSubscriptions", "useHapiValidator");
    assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("not available yet"));
    assertThat(problems.get(0).message()).contains("FHIR Subscriptions");
    assertThat(problems.get(1).message()).contains("HAPI FHIR validator");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<ConfigurationException.Problem> problems = FhirDeploymentConfig.builder()
        .stage("BAD").fhirVersion("5.0.0").lambdaTimeoutSeconds(60).lambdaMemorySize(128).build().problems();
    assertThat(problems).extracting(ConfigurationException.Problem::setting)
        .containsExactlyInAnyOrder("stage", "fhirVersion", "lambdaTimeoutSeconds", "lambdaMemorySize");
  }

  @Test
  void anySmartEndpointTurnsSmartOnAndThenAllThreeAreRequiredOverHttps() {
    FhirDeploymentConfig c = FhirDeploymentConfig.builder().issuerEndpoint("http://issuer.example.org").build();
    assertThat(c.isSmart()).isTrue();
    assertThat(c.problems()).extracting(ConfigurationException.Problem::toString).containsExactlyInAnyOrder(
        "issuerEndpoint: 'http://issuer.example.org' must be an https:// URL (tokens and keys must never travel in clear text)",
        "oAuth2ApiEndpoint: is required for a SMART on FHIR deployment (set all of issuerEndpoint, oAuth2ApiEndpoint and patientPickerEndpoint, or none)",
        "patientPickerEndpoint: is required for a SMART on FHIR deployment (set all of issuerEndpoint, oAuth2ApiEndpoint and patientPickerEndpoint, or none)");
  }

  private static FhirDeploymentConfig.Builder smart() {
    return FhirDeploymentConfig.builder().issuerEndpoint("https://auth.example.org/oauth2/default")
        .oAuth2ApiEndpoint("https://auth.example.org/oauth2/default/v1")
        .patientPickerEndpoint("https://picker.example.org");
  }

  @Test
  void smartSettingsWithoutSmartAreRefusedNamingEach() {
    List<ConfigurationException.Problem> problems = FhirDeploymentConfig.builder().smartAudience("api://default")
        .smartPatientClaim("patient").smartFhirUserClaim("fhirUser").smartTenantClaim("tenantId")
        .smartJwksUri("https://auth.example.org/keys").enableMultiTenancy(true).build().problems();

    assertThat(problems).extracting(ConfigurationException.Problem::setting).containsExactly("smartAudience",
        "smartPatientClaim", "smartFhirUserClaim", "smartTenantClaim", "smartJwksUri");
    assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("SMART on FHIR is off")
        .contains("issuerEndpoint, oAuth2ApiEndpoint and patientPickerEndpoint"));
    assertThat(FhirDeploymentConfig.builder().smartAudience(" ").build().problems()).isEmpty();
  }

  @Test
  void smartSettingsAreCheckedAndReachSmartAuth() {
    FhirDeploymentConfig c = smart().smartAudience("api://default, https://fhir.example.org")
        .smartPatientClaim("ext.launch_context.patient").smartFhirUserClaim("fhir_user")
        .smartTenantClaim("custom:tenant").smartJwksUri("https://auth.example.org/keys.json")
        .enableMultiTenancy(true).build().validate();

    SmartAuth auth = c.smartAuth();
    assertThat(auth.getAudiences()).containsExactly("api://default", "https://fhir.example.org");
    assertThat(auth.getPatientClaim()).isEqualTo("ext.launch_context.patient");
    assertThat(auth.getFhirUserClaim()).isEqualTo("fhir_user");
    assertThat(auth.getTenantClaim()).isEqualTo("custom:tenant");
    assertThat(auth.getJwksUri()).isEqualTo("https://auth.example.org/keys.json");
  }

  @Test
  void invalidSmartSettingsAreNamed() {
    List<ConfigurationException.Problem> problems = smart().smartAudience("api://default,,two words")
        .smartPatientClaim("ext..patient").smartFhirUserClaim("fhir user").smartTenantClaim("tenant/id")
        .smartJwksUri("http://auth.example.org/keys").enableMultiTenancy(true).build().problems();

    assertThat(problems).extracting(ConfigurationException.Problem::toString).containsExactlyInAnyOrder(
        "smartAudience: '' is not an audience: each value must be non-empty, without spaces or commas (separate "
            + "several values with commas)",
        "smartAudience: 'two words' is not an audience: each value must be non-empty, without spaces or commas "
            + "(separate several values with commas)",
        "smartPatientClaim: 'ext..patient' is not a claim name or a dotted path of claim names (letters, digits, "
            + "_ : $ -, such as ext.launch_context.patient)",
        "smartFhirUserClaim: 'fhir user' is not a claim name or a dotted path of claim names (letters, digits, "
            + "_ : $ -, such as ext.launch_context.patient)",
        "smartTenantClaim: 'tenant/id' is not a claim name or a dotted path of claim names (letters, digits, "
            + "_ : $ -, such as ext.launch_context.patient)",
        "smartJwksUri: 'http://auth.example.org/keys' must be an https:// URL (tokens and keys must never travel "
            + "in clear text)");
  }

  @Test
  void theTenantClaimNeedsMultiTenancy() {
    assertThat(smart().smartTenantClaim("tenantId").build().problems()).singleElement().satisfies(p -> {
      assertThat(p.setting()).isEqualTo("smartTenantClaim");
      assertThat(p.message()).contains("only with multi-tenancy").contains("enableMultiTenancy=true");
    });
  }

  @Test
  void smartSettingsTakePartInEqualityAndToString() {
    FhirDeploymentConfig a = smart().smartPatientClaim("patient").build();
    FhirDeploymentConfig b = smart().smartPatientClaim("ext.launch_context.patient").build();

    assertThat(a).isNotEqualTo(b).isEqualTo(smart().smartPatientClaim("patient").build());
    assertThat(b.toString()).contains("smartPatientClaim=ext.launch_context.patient", "smartAudience=null",
        "smartJwksUri=null");
  }

  @Test
  void onlyProdRetainsAndOnlyDevIsDev() {
    assertThat(FhirDeploymentConfig.builder().stage("prod").build().isProduction()).isTrue();
    assertThat(FhirDeploymentConfig.builder().stage("production").build().isProduction()).isFalse();
    assertThat(FhirDeploymentConfig.builder().stage("dev").build().isDev()).isTrue();
    assertThat(FhirDeploymentConfig.builder().stage("dev2").build().isDev()).isFalse();
  }
}
