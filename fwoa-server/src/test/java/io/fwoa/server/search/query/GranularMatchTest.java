package io.fwoa.server.search.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.fhir.Fhir;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/** Granular scope queries matched in memory, as the index would match them. */
class GranularMatchTest {

  private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
  private static final Observation LAB = Fhir.jsonParser().parseResource(Observation.class,
      "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\"" + CATEGORY
          + "\",\"code\":\"laboratory\"}]}],\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1-8\"}]}}");

  @Test
  void tokenFormsMatchLikeTheIndex() {
    assertThat(matches("category", "laboratory")).isTrue();
    assertThat(matches("category", CATEGORY + "|laboratory")).isTrue();
    assertThat(matches("category", CATEGORY + "|")).isTrue();
    assertThat(matches("category", "vital-signs,laboratory")).isTrue();
    assertThat(matches("category", "vital-signs")).isFalse();
    assertThat(matches("category", "|laboratory")).isFalse(); // has a system
    assertThat(matches("category", "http://other|laboratory")).isFalse();
    assertThat(matches("status", "final")).isTrue();
    assertThat(GranularMatch.matches(LAB, List.of(Map.entry("category", "laboratory"), Map.entry("status",
        "amended")))).isFalse();
  }

  @Test
  void onlyTokenParametersWithoutModifiersAreEnforceable() {
    assertThat(GranularMatch.unsupported("Observation", List.of(Map.entry("category", "laboratory")))).isNull();
    assertThat(GranularMatch.unsupported("Observation", List.of(Map.entry("date", "ge2020"))))
        .contains("token parameters only");
    assertThat(GranularMatch.unsupported("Observation", List.of(Map.entry("category:not", "laboratory"))))
        .contains("without modifiers");
    assertThat(GranularMatch.unsupported("Observation", List.of(Map.entry("subject.name", "x"))))
        .contains("chains");
    assertThat(GranularMatch.unsupported("Observation", List.of(Map.entry("nope", "x"))))
        .contains("not a search parameter");
  }

  private static boolean matches(String name, String value) {
    return GranularMatch.matches(LAB, List.of(Map.entry(name, value)));
  }
}
