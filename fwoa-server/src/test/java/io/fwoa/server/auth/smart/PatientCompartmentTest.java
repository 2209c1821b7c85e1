package io.fwoa.server.auth.smart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.fhir.Fhir;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class PatientCompartmentTest {

  private static Resource parse(String json) {
    return (Resource) Fhir.jsonParser().parseResource(json);
  }

  private static Resource observation(String referenceField) {
    return parse("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + referenceField + "}");
  }

  @Test
  void resourcesReferringToThePatientByACompartmentParameterAreInIt() {
    Resource subject = observation("\"subject\":{\"reference\":\"Patient/p1\"}");
    assertThat(PatientCompartment.contains(subject, "p1")).isTrue();
    assertThat(PatientCompartment.contains(subject, "p2")).isFalse();
    // performer is one of Observation's Patient compartment parameters too
    assertThat(PatientCompartment.contains(observation("\"performer\":[{\"reference\":\"Patient/p1\"}]"), "p1"))
        .isTrue();
    assertThat(PatientCompartment.contains(observation("\"subject\":{\"reference\":\"Patient/p1/_history/2\"}"),
        "p1")).isTrue();
    assertThat(PatientCompartment.contains(parse("{\"resourceType\":\"Claim\",\"id\":\"c1\",\"status\":\"active\","
        + "\"patient\":{\"reference\":\"Patient/p1\"}}"), "p1")).isTrue();
  }

  @Test
  void otherSubjectsAbsoluteReferencesAndUnlistedElementsDoNotCount() {
    assertThat(PatientCompartment.contains(observation("\"subject\":{\"reference\":\"Group/p1\"}"), "p1")).isFalse();
    assertThat(PatientCompartment.contains(
        observation("\"subject\":{\"reference\":\"https://other.example/fhir/Patient/p1\"}"), "p1")).isFalse();
    assertThat(PatientCompartment.contains(observation("\"subject\":{\"display\":\"Patient/p1\"}"), "p1")).isFalse();
    // focus is not a Patient compartment parameter of Observation in R4
    assertThat(PatientCompartment.contains(observation("\"focus\":[{\"reference\":\"Patient/p1\"}]"), "p1")).isFalse();
    assertThat(PatientCompartment.contains(parse("{\"resourceType\":\"Observation\",\"id\":\"o1\"}"), "p1")).isFalse();
  }

  @Test
  void aPatientIsInItsOwnCompartmentAndInThoseOfPatientsItLinksTo() {
    assertThat(PatientCompartment.contains(parse("{\"resourceType\":\"Patient\",\"id\":\"p1\"}"), "p1")).isTrue();
    assertThat(PatientCompartment.contains(parse("{\"resourceType\":\"Patient\",\"id\":\"p2\"}"), "p1")).isFalse();
    assertThat(PatientCompartment.contains(parse("{\"resourceType\":\"Patient\",\"id\":\"p2\",\"link\":[{\"other\":"
        + "{\"reference\":\"Patient/p1\"},\"type\":\"seealso\"}]}"), "p1")).isTrue();
  }

  @Test
  void typesTheDefinitionDoesNotListAreInNoPatientsCompartment() {
    assertThat(PatientCompartment.parameters("Organization")).isEmpty();
    assertThat(PatientCompartment.contains(parse("{\"resourceType\":\"Organization\",\"id\":\"org1\","
        + "\"partOf\":{\"reference\":\"Patient/p1\"}}"), "p1")).isFalse();
    assertThat(PatientCompartment.parameters("Observation")).contains("subject", "performer")
        .doesNotContain("focus");
  }
}
