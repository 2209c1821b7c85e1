package io.fwoa.engine.cognito;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Checks made before any AWS call. (The Cognito behaviour is tested in io.fwoa.maven.UserGoalsTest.) */
class UserProvisionerTest {

  private static UserProvisioner.Request request(String username, String group, String email, String tenant) {
    return new UserProvisioner.Request(username, group, email, tenant, null, false);
  }

  @Test
  void placeholderEmailsAreValidAddressesForAnyUsername() {
    for (String username : new String[] {"workshopuser", "Dr.Who", "jo/hn(1)", "ü", "..x..y.."}) {
      String email = UserProvisioner.placeholderEmail(username);
      assertThat(email).endsWith("@example.com");
      assertThatCode(() -> Emails.validate(email)).as(email).doesNotThrowAnyException();
    }
    assertThat(UserProvisioner.placeholderEmail("workshopuser")).isEqualTo("workshopuser@example.com");
  }

  @Test
  void theGroupUsernameEmailAndTenantAreCheckedWithTheSettingToFix() {
    assertThatCode(() -> UserProvisioner.validate(request("workshopuser", "auditor", null, null)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> UserProvisioner.validate(request("workshopuser", "Practitioner", null, null)))
        .hasMessageContaining("Valid groups: practitioner, non-practitioner, auditor");
    assertThatThrownBy(() -> UserProvisioner.validate(request("work shop", "auditor", null, null)))
        .hasMessageContaining("-Dfwoa.username=");
    assertThatThrownBy(() -> UserProvisioner.validate(request("workshopuser", "auditor", "nope", null)))
        .hasMessageContaining("-Dfwoa.email=");
    assertThatThrownBy(() -> UserProvisioner.validate(request("workshopuser", "auditor", null, "tenant/1")))
        .hasMessageContaining("-Dfwoa.tenantId=");
  }
}
