package io.fwoa.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.SmartAuth;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The optional SMART on FHIR parameters: from the POM to FhirDeploymentConfig and SmartAuth. Every
 * goal shares them (AbstractFwoaMojo); fwoa:info's configuration stands for all, read without
 * running the goal.
 */
class SmartParametersTest {

  private final MojoFixture.Log log = new MojoFixture.Log();

  private InfoMojo smartGoal(Object... more) {
    InfoMojo goal = MojoFixture.configure(new InfoMojo(), log,
        "issuerEndpoint", "https://example.okta.com/oauth2/default",
        "oAuth2ApiEndpoint", "https://example.okta.com/oauth2/default/v1",
        "patientPickerEndpoint", "https://picker.example.com");
    for (int i = 0; i < more.length; i += 2) {
      MojoFixture.set(goal, (String) more[i], more[i + 1]);
    }
    return goal;
  }

  @Test
  void everySmartParameterReachesTheDeployedSettings() throws Exception {
    FhirDeploymentConfig config = smartGoal("smartAudience", "api://default,https://fhir.example.com/dev",
        "smartPatientClaim", "ext.launch_context.patient", "smartFhirUserClaim", "fhir_user",
        "smartTenantClaim", "custom:tenantId", "smartJwksUri", "https://example.okta.com/oauth2/default/v1/keys",
        "enableMultiTenancy", true).config();

    SmartAuth smart = config.smartAuth();
    assertThat(smart.getAudiences()).containsExactly("api://default", "https://fhir.example.com/dev");
    assertThat(smart.getPatientClaim()).isEqualTo("ext.launch_context.patient");
    assertThat(smart.getFhirUserClaim()).isEqualTo("fhir_user");
    assertThat(smart.getTenantClaim()).isEqualTo("custom:tenantId");
    assertThat(smart.getJwksUri()).isEqualTo("https://example.okta.com/oauth2/default/v1/keys");
  }

  @Test
  void unsetSmartParametersLeaveTheServersDefaults() throws Exception {
    SmartAuth smart = smartGoal().config().smartAuth();

    assertThat(smart.getAudiences()).isEmpty();
    assertThat(smart.getPatientClaim()).isNull();
    assertThat(smart.getJwksUri()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"smartAudience", "smartPatientClaim", "smartFhirUserClaim", "smartTenantClaim",
      "smartJwksUri"})
  void aSmartParameterWithoutSmartFailsTheBuildNamingIt(String parameter) {
    InfoMojo goal = MojoFixture.configure(new InfoMojo(), log, parameter, "https://example.com",
        "enableMultiTenancy", true);

    assertThatThrownBy(goal::config).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining(parameter + ": is a SMART on FHIR setting, but SMART on FHIR is off")
        .hasMessageContaining("fix <" + parameter + "> in the fwoa-maven-plugin configuration, or -Dfwoa."
            + parameter + "=");
  }

  @Test
  void invalidSmartParametersAreNamedWithTheirProperty() {
    assertThatThrownBy(() -> smartGoal("smartPatientClaim", "launch context", "smartJwksUri", "http://keys.example.com")
        .config()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("smartPatientClaim: 'launch context' is not a claim name")
        .hasMessageContaining("-Dfwoa.smartPatientClaim=")
        .hasMessageContaining("smartJwksUri: 'http://keys.example.com' must be an https:// URL")
        .hasMessageContaining("-Dfwoa.smartJwksUri=");
  }

  @Test
  void theTenantClaimWithoutMultiTenancyFailsTheBuild() {
    assertThatThrownBy(() -> smartGoal("smartTenantClaim", "tenantId").config())
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("smartTenantClaim: 'tenantId' names the tenant claim")
        .hasMessageContaining("set enableMultiTenancy=true, or remove it")
        .hasMessageContaining("-Dfwoa.smartTenantClaim=");
  }
}
