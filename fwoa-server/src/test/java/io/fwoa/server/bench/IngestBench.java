package io.fwoa.server.bench;

import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.support.Http;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Transaction-bundle ingest against the running local stack over HTTP: Synthea-sized patient
 * bundles (1 Patient, Encounters and Observations linked by urn:uuid), posted by a few concurrent
 * clients. Prints resources per second.
 */
public final class IngestBench {

  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    int bundles = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int entries = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String base = System.getenv("BENCH_BASE_URL");
    String token = System.getenv("BENCH_TOKEN");
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < bundles + 2; i++) {
      bodies.add(Fhir.toJson(bundle(entries)));
    }
    // Two warm-up bundles: the JIT and the emulators settle.
    for (int i = 0; i < 2; i++) {
      post(base, token, bodies.get(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long t = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int i = 2; i < bodies.size(); i++) {
      String body = bodies.get(i);
      done.add(pool.submit(() -> post(base, token, body)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    pool.shutdown();
    long resources = (long) bundles * (entries + 1);
    System.out.printf("ingest bundles=%d entries_per_bundle=%d clients=%d seconds=%.2f resources_per_s=%.0f%n",
        bundles, entries + 1, clients, seconds, resources / seconds);
  }

  private static Void post(String base, String token, String body) {
    HttpResponse<String> r = Http.send("POST", base, token, "application/fhir+json", body);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("transaction returned " + r.statusCode() + ": " + r.body());
    }
    return null;
  }

  static Bundle bundle(int clinical) {
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Patient patient = new Patient();
    patient.addName().setFamily("Ingest").addGiven("Ivy");
    patient.addIdentifier().setSystem("https://github.com/synthetichealth/synthea").setValue(UUID.randomUUID().toString());
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
