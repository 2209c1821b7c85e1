package io.fwoa.engine.cognito;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmailsTest {

  @Test
  void ordinaryAddressesPass() {
    for (String ok : new String[] {"jane@example.org", "jane.doe+fhir@sub.example.co.uk", "j_o'neil@x-y.io"}) {
      assertThatCode(() -> Emails.validate(ok)).as(ok).doesNotThrowAnyException();
    }
  }

  @Test
  void typosAreRejectedWithTheSettingToFix() {
    for (String bad : new String[] {"jane", "jane@", "@example.org", "jane@localhost", "jane@@example.org",
        "jane doe@example.org", "jane..doe@example.org", ".jane@example.org", "jane.@example.org", "jane@example..org",
        "jane@-example.org"}) {
      assertThatThrownBy(() -> Emails.validate(bad)).as(bad).isInstanceOf(CognitoUserException.class)
          .hasMessageContaining("is not a valid email address (fix -Dfwoa.email=)");
    }
    assertThatThrownBy(() -> Emails.validate(" ")).hasMessageContaining("An email address is required");
  }
}
