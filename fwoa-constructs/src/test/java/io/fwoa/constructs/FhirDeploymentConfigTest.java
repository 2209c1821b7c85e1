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

  @Test
  void onlyProdRetainsAndOnlyDevIsDev() {
    assertThat(FhirDeploymentConfig.builder().stage("prod").build().isProduction()).isTrue();
    assertThat(FhirDeploymentConfig.builder().stage("production").build().isProduction()).isFalse();
    assertThat(FhirDeploymentConfig.builder().stage("dev").build().isDev()).isTrue();
    assertThat(FhirDeploymentConfig.builder().stage("dev2").build().isDev()).isFalse();
  }
}
