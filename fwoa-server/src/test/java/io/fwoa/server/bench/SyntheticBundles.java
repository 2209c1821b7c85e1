package io.fwoa.server.bench;

import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Synthea-shaped transaction bundles made up on the spot (1 Patient, Encounters and Observations
 * linked by urn:uuid), for benchmarks that need steady write traffic rather than real data.
 */
final class SyntheticBundles {

  private SyntheticBundles() {}

  /** A patient bundle with {@code clinical} Encounters and Observations besides the Patient. */
  static Bundle patient(int clinical) {
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Patient patient = new Patient();
    patient.addName().setFamily("Ingest").addGiven("Ivy");
    patient.addIdentifier().setSystem("https://github.com/synthetichealth/synthea")
        .setValue(UUID.randomUUID().toString());
    tx.addEntry().setFullUrl(patientUrn).setResource(patient).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    String encounter = null;
    for (int i = 0; i < clinical; i++) {
      String urn = "urn:uuid:" + UUID.randomUUID();
      if (i % 10 == 0) {
        Encounter e = new Encounter();
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.setSubject(new Reference(patientUrn));
        encounter = urn;
        tx.addEntry().setFullUrl(urn).setResource(e).getRequest().setMethod(HTTPVerb.POST).setUrl("Encounter");
      } else {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7").setDisplay("Body Weight");
        o.setSubject(new Reference(patientUrn));
        o.setEncounter(new Reference(encounter));
        o.setValue(new Quantity().setValue(70 + i % 5).setUnit("kg"));
        tx.addEntry().setFullUrl(urn).setResource(o).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
      }
    }
    return tx;
  }
}
