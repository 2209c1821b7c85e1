package io.fwoa.server.auth.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.Interaction;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmartGrantsTest {

  private static SmartToken token(String scopes, String patient, String fhirUser) {
    SmartScopes.Parsed p = SmartScopes.parse(SmartScopes.split(scopes),
        Set.of("Patient", "Observation", "Encounter")::contains);
    return new SmartToken("sub", "app", p.scopes(), p.ignored(), patient, fhirUser, null);
  }

  private static List<String> allowing(SmartToken t, Interaction i, String type) {
    return SmartGrants.allowing(t, i, type).stream().map(SmartScope::text).toList();
  }

  private static void denied(SmartToken t, Interaction i, String type, String... parts) {
    assertThatThrownBy(() -> SmartGrants.allowing(t, i, type)).isInstanceOf(FhirException.class)
        .satisfies(e -> assertThat(((FhirException) e).status()).isEqualTo(403))
        .hasMessageContainingAll(parts);
  }

  @Test
  void eachInteractionNeedsItsPermission() {
    SmartToken t = token("patient/Observation.rs patient/Encounter.c", "p1", null);
    assertThat(allowing(t, Interaction.READ, "Observation")).containsExactly("patient/Observation.rs");
    assertThat(allowing(t, Interaction.VREAD, "Observation")).containsExactly("patient/Observation.rs");
    assertThat(allowing(t, Interaction.HISTORY_INSTANCE, "Observation")).containsExactly("patient/Observation.rs");
    assertThat(allowing(t, Interaction.SEARCH, "Observation")).containsExactly("patient/Observation.rs");
    assertThat(allowing(t, Interaction.CREATE, "Encounter")).containsExactly("patient/Encounter.c");
    denied(t, Interaction.CREATE, "Observation", "create on Observation", "patient/Observation.c",
        "patient/Observation.rs");
    denied(t, Interaction.UPDATE, "Observation", "patient/Observation.u");
    denied(t, Interaction.PATCH, "Observation", "patient/Observation.u");
    denied(t, Interaction.DELETE, "Observation", "patient/Observation.d");
    denied(t, Interaction.READ, "Patient", "read on Patient", "patient/Patient.r");
  }

  @Test
  void v1ScopesAndWildcards() {
    SmartToken t = token("user/*.read user/Observation.write", null, "Practitioner/pr1");
    assertThat(allowing(t, Interaction.SEARCH, "Encounter")).containsExactly("user/*.read");
    assertThat(allowing(t, Interaction.UPDATE, "Observation")).containsExactly("user/Observation.write");
    assertThat(allowing(t, Interaction.HISTORY_SYSTEM, null)).containsExactly("user/*.read");
    denied(t, Interaction.DELETE, "Patient", "user/Patient.d");

    SmartToken typed = token("system/Observation.rs", null, null);
    denied(typed, Interaction.HISTORY_SYSTEM, null, "history system", "system/*.s");
  }

  @Test
  void scopesCountOnlyWithTheContextTheyNeed() {
    SmartToken noPatient = token("patient/*.rs", null, null);
    denied(noPatient, Interaction.READ, "Observation", "unusable: patient/*.rs without a patient in context");
    SmartToken noUser = token("user/*.rs", null, null);
    denied(noUser, Interaction.READ, "Observation", "unusable: user/*.rs without a fhirUser claim");
    assertThat(allowing(token("system/*.rs", null, null), Interaction.READ, "Observation"))
        .containsExactly("system/*.rs");
  }

  @Test
  void granularScopesAreReturnedWithTheirQueryForTheCallerToApply() {
    SmartToken t = token("patient/Observation.rs?category=laboratory patient/Observation.rs?category=vital-signs",
        "p1", null);
    List<SmartScope> scopes = SmartGrants.allowing(t, Interaction.SEARCH, "Observation");
    assertThat(scopes).hasSize(2).allMatch(SmartScope::granular);
    assertThat(scopes.get(0).query().get(0).getValue()).isEqualTo("laboratory");
  }

  @Test
  void transactionsAndBatchesAreAuthorizedPerEntry() {
    assertThat(SmartGrants.permission(Interaction.TRANSACTION)).isNull();
    assertThatThrownBy(() -> SmartGrants.allowing(token("system/*.*", null, null), Interaction.BATCH, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
