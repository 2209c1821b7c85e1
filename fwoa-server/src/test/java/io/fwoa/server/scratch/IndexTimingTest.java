package io.fwoa.server.scratch;

import io.fwoa.server.local.EmbeddedOpenSearch;
import io.fwoa.server.local.LocalSearch;
import io.fwoa.server.search.opensearch.SearchIndex;
import org.junit.jupiter.api.Test;

class IndexTimingTest {
  @Test
  void timing() {
    try (EmbeddedOpenSearch os = EmbeddedOpenSearch.start(null); SearchIndex idx = LocalSearch.connect(os.endpoint())) {
      String[] types = {"Patient", "Observation", "Encounter", "Condition", "Procedure", "MedicationRequest", "Organization", "Practitioner", "Claim", "ExplanationOfBenefit", "Immunization", "CarePlan", "DiagnosticReport", "Device", "Location", "Goal", "AllergyIntolerance", "CareTeam", "ImagingStudy", "Provenance"};
      for (String t : types) {
        long s = System.nanoTime();
        idx.ensureIndex(t);
        System.out.println(t + " " + (System.nanoTime() - s) / 1_000_000 + " ms");
      }
    }
  }
}
