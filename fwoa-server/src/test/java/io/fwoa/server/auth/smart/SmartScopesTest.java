package io.fwoa.server.auth.smart;

import static io.fwoa.server.auth.smart.SmartScope.Permission.CREATE;
import static io.fwoa.server.auth.smart.SmartScope.Permission.DELETE;
import static io.fwoa.server.auth.smart.SmartScope.Permission.READ;
import static io.fwoa.server.auth.smart.SmartScope.Permission.SEARCH;
import static io.fwoa.server.auth.smart.SmartScope.Permission.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.auth.smart.SmartScope.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmartScopesTest {

  private static final Predicate<String> TYPES = Set.of("Patient", "Observation", "Encounter")::contains;

  private static SmartScopes.Parsed parse(String claim) {
    return SmartScopes.parse(SmartScopes.split(claim), TYPES);
  }

  private static SmartScope only(String claim) {
    SmartScopes.Parsed p = parse(claim);
    assertThat(p.ignored()).isEmpty();
    assertThat(p.scopes()).hasSize(1);
    return p.scopes().get(0);
  }

  @Test
  void v1ReadIsReadAndSearchWriteIsCreateUpdateDeleteStarIsEverything() {
    SmartScope read = only("patient/*.read");
    assertThat(read.context()).isEqualTo(Context.PATIENT);
    assertThat(read.resourceType()).isEqualTo("*");
    assertThat(read.permissions()).containsExactlyInAnyOrder(READ, SEARCH);
    assertThat(read.covers("Observation")).isTrue();

    SmartScope write = only("user/Observation.write");
    assertThat(write.context()).isEqualTo(Context.USER);
    assertThat(write.permissions()).containsExactlyInAnyOrder(CREATE, UPDATE, DELETE);
    assertThat(write.covers("Observation")).isTrue();
    assertThat(write.covers("Patient")).isFalse();

    assertThat(only("system/*.*").permissions()).containsExactlyInAnyOrder(CREATE, READ, UPDATE, DELETE, SEARCH);
    assertThat(only("system/*.*").context()).isEqualTo(Context.SYSTEM);
  }

  @Test
  void v2PermissionLettersInOrder() {
    assertThat(only("patient/Observation.rs").permissions()).containsExactlyInAnyOrder(READ, SEARCH);
    assertThat(only("user/*.cruds").permissions()).containsExactlyInAnyOrder(CREATE, READ, UPDATE, DELETE, SEARCH);
    assertThat(only("patient/Encounter.cud").permissions()).containsExactlyInAnyOrder(CREATE, UPDATE, DELETE);
    assertThat(only("system/Patient.s").permissions()).containsExactly(SEARCH);
    assertThat(only("patient/Observation.rs").granular()).isFalse();
  }

  @Test
  void granularScopesKeepTheirQuery() {
    SmartScope lab = only("patient/Observation.rs?category=http%3A%2F%2Fterminology.hl7.org%2FCodeSystem"
        + "%2Fobservation-category%7Claboratory&status=final");
    assertThat(lab.granular()).isTrue();
    assertThat(lab.query()).containsExactly(
        Map.entry("category", "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"),
        Map.entry("status", "final"));
    assertThat(lab.permissions()).containsExactlyInAnyOrder(READ, SEARCH);
  }

  @Test
  void nonResourceScopesGrantNothingAndAreNotReported() {
    SmartScopes.Parsed p = parse("openid fhirUser profile launch launch/patient offline_access online_access "
        + "patient/Patient.r");
    assertThat(p.ignored()).isEmpty();
    assertThat(p.scopes()).extracting(SmartScope::text).containsExactly("patient/Patient.r");
  }

  @ParameterizedTest
  @ValueSource(strings = {"patient/Observation.sr", "patient/Observation.rr", "patient/Observation.x",
      "patient/Observation.", "patient/Observation", "patient/Foo.read", "practitioner/*.read", "patient/*.read?x=1",
      "patient/Observation.rs?category", "patient/Observation.rs?=lab", "patient/Observation.rs?a=%zz",
      "Patient/*.read", "patient/*.r*", "patient//Observation.rs", "*/*.*"})
  void malformedResourceScopesAreIgnoredWithAReasonAndTheRestKept(String bad) {
    SmartScopes.Parsed p = parse(bad + " patient/Patient.rs");
    assertThat(p.scopes()).extracting(SmartScope::text).containsExactly("patient/Patient.rs");
    assertThat(p.ignored()).hasSize(1);
    assertThat(p.ignored().get(0)).startsWith(bad.length() > 80 ? bad.substring(0, 80) : bad);
  }

  @Test
  void scpArraysDuplicatesAndBounds() {
    SmartScopes.Parsed p = SmartScopes.parse(List.of("patient/Patient.rs", "patient/Patient.rs", ""), TYPES);
    assertThat(p.scopes()).hasSize(1);

    List<String> many = new ArrayList<>();
    for (int i = 0; i < SmartScopes.MAX_SCOPES + 5; i++) {
      many.add("patient/Observation.rs?code=" + i);
    }
    SmartScopes.Parsed bounded = SmartScopes.parse(many, TYPES);
    assertThat(bounded.scopes()).hasSize(SmartScopes.MAX_SCOPES);
    assertThat(bounded.ignored()).hasSize(5).allMatch(s -> s.contains("more than " + SmartScopes.MAX_SCOPES));

    String longScope = "patient/Observation.rs?code=" + "x".repeat(SmartScopes.MAX_SCOPE_LENGTH);
    SmartScopes.Parsed tooLong = SmartScopes.parse(List.of(longScope), TYPES);
    assertThat(tooLong.scopes()).isEmpty();
    assertThat(tooLong.ignored()).singleElement().asString().contains("longer than").hasSizeLessThan(200);
  }

  @Test
  void splitsTheScopeClaimAtSpaces() {
    assertThat(SmartScopes.split("  openid   patient/*.read ")).containsExactly("openid", "patient/*.read");
    assertThat(SmartScopes.split(null)).isEmpty();
  }
}
