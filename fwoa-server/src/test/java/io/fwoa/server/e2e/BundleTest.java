package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Clients;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Batch and transaction bundles over HTTP. */
@ExtendWith(LocalStack.class)
class BundleTest {

  private LocalFhirServer server;
  private IGenericClient client;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    this.server = server;
    this.client = Clients.practitioner(server);
  }

  @Test
  void transactionResolvesUrnUuidAndConditionalReferences() {
    String npi = "npi-" + UUID.randomUUID();
    Practitioner doc = new Practitioner();
    doc.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(npi);
    client.create().resource(doc).execute();

    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Patient p = new Patient();
    p.addName().setFamily("Tx");
    tx.addEntry().setFullUrl(patientUrn).setResource(p).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().setText("weight");
    o.setSubject(new Reference(patientUrn));
    o.addPerformer(new Reference("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|" + npi));
    tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(o).getRequest()
        .setMethod(HTTPVerb.POST).setUrl("Observation");

    Bundle response = client.transaction().withBundle(tx).execute();

    assertThat(response.getType()).isEqualTo(BundleType.TRANSACTIONRESPONSE);
    assertThat(response.getEntry()).hasSize(2);
    assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
    String patientId = response.getEntry().get(0).getResponse().getLocation().split("/")[1];
    String obsId = response.getEntry().get(1).getResponse().getLocation().split("/")[1];
    Observation stored = client.read().resource(Observation.class).withId(obsId).execute();
    assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patientId);
    assertThat(stored.getPerformerFirstRep().getReference()).startsWith("Practitioner/");
    Practitioner performer = client.read().resource(Practitioner.class)
        .withId(stored.getPerformerFirstRep().getReferenceElement().getIdPart()).execute();
    assertThat(performer.getIdentifierFirstRep().getValue()).isEqualTo(npi);
  }

  @Test
  void transactionWithAnInvalidEntryLeavesNothingBehind() throws InterruptedException {
    String marker = "atomic-" + UUID.randomUUID();
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    for (int i = 0; i < 5; i++) {
      Patient p = new Patient();
      p.addIdentifier().setSystem("urn:fwoa:atomic").setValue(marker + "-" + i);
      tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(p).getRequest()
          .setMethod(HTTPVerb.POST).setUrl("Patient");
    }
    Patient existing = new Patient();
    existing.setId("atomic-existing-" + UUID.randomUUID().toString().substring(0, 8));
    client.update().resource(existing).execute();
    Thread.sleep(5);
    Instant start = Instant.now();
    Patient stale = existing.copy();
    stale.setActive(true);
    // The last entry fails: its If-Match names a version that is not current.
    tx.addEntry().setResource(stale).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl("Patient/" + existing.getIdElement().getIdPart()).setIfMatch("W/\"7\"");

    assertThatThrownBy(() -> client.transaction().withBundle(tx).execute())
        .isInstanceOf(PreconditionFailedException.class);

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = Http.send("DELETE", server.baseUrl() + "/Patient?identifier=urn:fwoa:atomic%7C"
          + marker + "-" + i, server.token("practitioner"), null, null,
          java.util.Map.of("Prefer", "return=OperationOutcome"));
      assertThat(r.body()).as("entry %d must not exist", i).contains("Nothing matched");
    }
    Bundle history = client.history().onType(Patient.class).returnBundle(Bundle.class)
        .since(java.util.Date.from(start)).execute();
    assertThat(history.getEntry()).extracting(e -> e.getRequest().getUrl())
        .doesNotContain("Patient/" + existing.getIdElement().getIdPart());
    assertThat(history.getEntry()).noneMatch(e -> e.getResource() instanceof Patient hp
        && hp.getIdentifierFirstRep().getValue() != null && hp.getIdentifierFirstRep().getValue().startsWith(marker));
    assertThat(client.read().resource(Patient.class).withId(existing.getIdElement().getIdPart()).execute()
        .getMeta().getVersionId()).isEqualTo("1");

    Bundle badRef = new Bundle().setType(BundleType.TRANSACTION);
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().setText("x");
    o.setSubject(new Reference("urn:uuid:" + UUID.randomUUID()));
    badRef.addEntry().setResource(new Patient().setActive(true)).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    badRef.addEntry().setResource(o).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    assertThatThrownBy(() -> client.transaction().withBundle(badRef).execute())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("urn:uuid");
  }

  /** A Synthea-sized patient bundle: 1 patient, an organization, and 300+ clinical resources. */
  @Test
  void syntheaSizedTransactionCommitsWhole() {
    Bundle tx = syntheaLikeBundle(320);
    Bundle response = client.transaction().withBundle(tx).execute();

    assertThat(response.getEntry()).hasSize(tx.getEntry().size());
    assertThat(response.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
    Set<String> locations = new HashSet<>();
    response.getEntry().forEach(e -> locations.add(e.getResponse().getLocation()));
    assertThat(locations).hasSize(tx.getEntry().size());
    String patientId = response.getEntry().get(0).getResponse().getLocation().split("/")[1];
    String lastObs = response.getEntry().get(response.getEntry().size() - 1).getResponse().getLocation().split("/")[1];
    Observation obs = client.read().resource(Observation.class).withId(lastObs).execute();
    assertThat(obs.getSubject().getReference()).isEqualTo("Patient/" + patientId);
    assertThat(obs.getEncounter().getReference()).startsWith("Encounter/");
    client.read().resource(Encounter.class).withId(obs.getEncounter().getReferenceElement().getIdPart()).execute();
  }

  @Test
  void transactionLargerThanTheLimitIsRejected() {
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    for (int i = 0; i < 1001; i++) {
      tx.addEntry().setResource(new Patient().setActive(true)).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    }
    HttpResponse<String> r = Http.send("POST", server.baseUrl(), server.token("practitioner"),
        "application/fhir+json", Fhir.toJson(tx));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("at most 1000");
  }

  @Test
  void batchRunsEachEntryOnItsOwn() {
    Patient p = new Patient();
    p.addName().setFamily("Batch");
    String existing = client.create().resource(p).execute().getId().getIdPart();

    Bundle batch = new Bundle().setType(BundleType.BATCH);
    batch.addEntry().setResource(new Patient().setActive(true)).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/" + existing);
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/does-not-exist-" + UUID.randomUUID());
    batch.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("Patient/" + existing);

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getType()).isEqualTo(BundleType.BATCHRESPONSE);
    assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
    assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("200");
    assertThat(((Patient) response.getEntry().get(1).getResource()).getNameFirstRep().getFamily()).isEqualTo("Batch");
    assertThat(response.getEntry().get(2).getResponse().getStatus()).startsWith("404");
    assertThat(response.getEntry().get(2).getResponse().getOutcome()).isNotNull();
    assertThat(response.getEntry().get(3).getResponse().getStatus()).startsWith("204");
    // Deleted by the batch's last entry: a read now answers 410 Gone (a 404 or a 500 would fail here).
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(existing).execute())
        .isInstanceOfSatisfying(ResourceGoneException.class, e -> assertThat(e.getStatusCode()).isEqualTo(410));
  }

  @Test
  void transactionConditionalCreateReusesTheExistingResource() {
    String value = "org-" + UUID.randomUUID();
    Organization org = new Organization();
    org.setName("Hospital");
    org.addIdentifier().setSystem("https://github.com/synthetichealth/synthea").setValue(value);
    for (int round = 0; round < 2; round++) {
      Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
      tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(org).getRequest()
          .setMethod(HTTPVerb.POST).setUrl("Organization")
          .setIfNoneExist("identifier=https://github.com/synthetichealth/synthea|" + value);
      Bundle response = client.transaction().withBundle(tx).execute();
      assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith(round == 0 ? "201" : "200");
    }
    Bundle all = client.history().onType(Organization.class).returnBundle(Bundle.class).count(500).execute();
    long copies = all.getEntry().stream().filter(e -> e.getResource() instanceof Organization o
        && o.getIdentifierFirstRep().getValue() != null && o.getIdentifierFirstRep().getValue().equals(value)).count();
    assertThat(copies).isEqualTo(1);
  }

  /**
   * Two entries with one fullUrl: a reference to it could mean either, so the transaction is
   * refused (naming the fullUrl and both entries) and nothing is written.
   */
  @Test
  void transactionWithDuplicateFullUrlsIsRejected() {
    String urn = "urn:uuid:" + UUID.randomUUID();
    String marker = "dup-" + UUID.randomUUID();
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    for (int i = 0; i < 2; i++) {
      Patient p = new Patient();
      p.addIdentifier().setSystem("urn:fwoa:dup").setValue(marker + "-" + i);
      tx.addEntry().setFullUrl(urn).setResource(p).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    }
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().setText(marker);
    o.setSubject(new Reference(urn));
    tx.addEntry().setResource(o).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");

    HttpResponse<String> r = Http.send("POST", server.baseUrl(), server.token("practitioner"),
        "application/fhir+json", Fhir.toJson(tx));

    assertThat(r.statusCode()).isEqualTo(400);
    OperationOutcome outcome = Fhir.jsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(urn).contains("entries 0 and 1");
    for (int i = 0; i < 2; i++) {
      Bundle found = client.search().forResource(Patient.class)
          .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:fwoa:dup", marker + "-" + i))
          .returnBundle(Bundle.class).execute();
      assertThat(found.getEntry()).as("patient %d", i).isEmpty();
    }
  }

  /**
   * fullUrl uniqueness (bdl-7) is a rule for every bundle, batches too; entries of one fullUrl
   * with different meta.versionId are the exception the rule allows.
   */
  @Test
  void batchWithDuplicateFullUrlsIsRejectedUnlessTheVersionsDiffer() {
    String id = "bdl7-" + UUID.randomUUID().toString().substring(0, 8);
    String fullUrl = server.baseUrl() + "/Patient/" + id;
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    for (int i = 0; i < 2; i++) {
      Patient p = new Patient();
      p.setId(id);
      p.addName().setFamily("Version" + i);
      batch.addEntry().setFullUrl(fullUrl).setResource(p).getRequest().setMethod(HTTPVerb.PUT).setUrl("Patient/" + id);
    }

    HttpResponse<String> r = Http.send("POST", server.baseUrl(), server.token("practitioner"),
        "application/fhir+json", Fhir.toJson(batch));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Fhir.jsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getDiagnostics())
        .contains(fullUrl).contains("entries 0 and 1").contains("bdl-7");
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceNotFoundException.class);

    batch.getEntry().get(0).getResource().getMeta().setVersionId("1");
    batch.getEntry().get(1).getResource().getMeta().setVersionId("2");
    Bundle response = client.transaction().withBundle(batch).execute();
    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3))
        .containsExactly("201", "200");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
        .isEqualTo("Version1");
  }

  /**
   * An absolute entry URL names a server and a base: one that is not this server's is refused,
   * never applied here under the same relative path. This server's own base keeps working.
   */
  @Test
  void transactionEntryUrlsOfAnotherHostOrBaseAreRejected() {
    String id = "elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> refused = Map.of(
        "http://elsewhere.example/Patient/" + id, "not this server's base",
        "https://elsewhere.example/fhir/Patient/" + id, "not this server's base",
        server.baseUrl().replace("127.0.0.1", "localhost") + "/Patient/" + id, "not this server's base",
        // the local base is the root: what follows it must be a resource type
        server.baseUrl() + "/other-base/Patient/" + id, "Unknown resource type 'other-base'");
    refused.forEach((url, problem) -> {
      Patient p = new Patient();
      p.setId(id);
      Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
      tx.addEntry().setResource(p).getRequest().setMethod(HTTPVerb.PUT).setUrl(url);

      HttpResponse<String> r = Http.send("POST", server.baseUrl(), server.token("practitioner"),
          "application/fhir+json", Fhir.toJson(tx));

      assertThat(r.statusCode()).as(url).isEqualTo(400);
      assertThat(Fhir.jsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getDiagnostics())
          .contains("Entry 0").contains(url).contains(problem);
    });
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceNotFoundException.class);

    Bundle own = new Bundle().setType(BundleType.TRANSACTION);
    own.addEntry().setResource(new Patient().setActive(true).setId(id)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl(server.baseUrl() + "/Patient/" + id);
    Bundle response = client.transaction().withBundle(own).execute();
    assertThat(response.getEntryFirstRep().getResponse().getStatus()).startsWith("201");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getActive()).isTrue();
  }

  /**
   * 10 clients send at once a transaction that creates "the patient with identifier X"
   * (ifNoneExist) and an Observation of that patient: one patient is created, every transaction
   * succeeds, and every Observation refers to that one patient.
   */
  @Test
  void concurrentTransactionsWithTheSameIfNoneExistCreateOneResource() throws Exception {
    String value = UUID.randomUUID().toString();
    String token = server.token("practitioner");
    int clients = 10;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch ready = new CountDownLatch(clients);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
      String urn = "urn:uuid:" + UUID.randomUUID();
      Patient p = new Patient();
      p.addIdentifier().setSystem("urn:tx-race").setValue(value);
      tx.addEntry().setFullUrl(urn).setResource(p).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient")
          .setIfNoneExist("identifier=urn:tx-race|" + value);
      Observation o = new Observation();
      o.setStatus(Observation.ObservationStatus.FINAL);
      o.getCode().setText("client " + i);
      o.setSubject(new Reference(urn));
      tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(o).getRequest()
          .setMethod(HTTPVerb.POST).setUrl("Observation");
      String body = Fhir.toJson(tx);
      results.add(pool.submit(() -> {
        ready.countDown();
        ready.await();
        return Http.send("POST", server.baseUrl(), token, "application/fhir+json", body);
      }));
    }
    List<Integer> statuses = new ArrayList<>();
    List<String> patientStatuses = new ArrayList<>();
    Set<String> patients = new HashSet<>();
    Set<String> subjects = new HashSet<>();
    for (Future<HttpResponse<String>> f : results) {
      HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
      statuses.add(r.statusCode());
      if (r.statusCode() == 200) {
        Bundle response = Fhir.jsonParser().parseResource(Bundle.class, r.body());
        patientStatuses.add(response.getEntry().get(0).getResponse().getStatus().substring(0, 3));
        patients.add(response.getEntry().get(0).getResponse().getLocation().split("/_history")[0]);
        String obs = response.getEntry().get(1).getResponse().getLocation().split("/")[1];
        subjects.add(client.read().resource(Observation.class).withId(obs).execute().getSubject().getReference());
      }
    }
    pool.shutdown();

    assertThat(statuses).containsOnly(200);
    assertThat(patientStatuses).filteredOn("201"::equals).hasSize(1);
    assertThat(patientStatuses).filteredOn(s -> !s.equals("201")).containsOnly("200");
    assertThat(patients).hasSize(1);
    assertThat(subjects).containsExactlyElementsOf(patients);
    Bundle found = client.search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:tx-race", value)).returnBundle(Bundle.class)
        .execute();
    assertThat(found.getEntry()).hasSize(1);
  }

  /** Two entries of one transaction under the same ifNoneExist: the second finds the first, as in sequence. */
  @Test
  void ifNoneExistTwiceInOneTransactionCreatesOnce() {
    String value = UUID.randomUUID().toString();
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    for (int i = 0; i < 2; i++) {
      Patient p = new Patient();
      p.addIdentifier().setSystem("urn:tx-twice").setValue(value);
      tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(p).getRequest()
          .setMethod(HTTPVerb.POST).setUrl("Patient").setIfNoneExist("identifier=urn:tx-twice|" + value);
    }

    Bundle response = client.transaction().withBundle(tx).execute();

    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3))
        .containsExactly("201", "200");
    assertThat(response.getEntry().get(1).getResponse().getLocation())
        .isEqualTo(response.getEntry().get(0).getResponse().getLocation());
    Bundle found = client.search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:tx-twice", value)).returnBundle(Bundle.class)
        .execute();
    assertThat(found.getEntry()).hasSize(1);
  }

  /**
   * Referential integrity is off by default (ENFORCE_REFERENTIAL_INTEGRITY): resources that refer
   * to resources loaded later, or never, are stored as sent, in single writes and transactions.
   */
  @Test
  void danglingReferencesAreStoredWithTheDefaultSettings() {
    String missing = "Patient/not-loaded-yet-" + UUID.randomUUID();
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().setText("dangling");
    o.setSubject(new Reference(missing));
    String single = client.create().resource(o).execute().getId().getIdPart();
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    tx.addEntry().setResource(o.copy()).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    String inTransaction = client.transaction().withBundle(tx).execute().getEntryFirstRep().getResponse()
        .getLocation().split("/")[1];

    for (String id : List.of(single, inTransaction)) {
      assertThat(client.read().resource(Observation.class).withId(id).execute().getSubject().getReference())
          .isEqualTo(missing);
    }
  }

  static Bundle syntheaLikeBundle(int clinicalResources) {
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Patient patient = new Patient();
    patient.addName().setFamily("Synthea").addGiven("Sam");
    patient.addIdentifier().setSystem("https://github.com/synthetichealth/synthea").setValue(UUID.randomUUID().toString());
    tx.addEntry().setFullUrl(patientUrn).setResource(patient).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    List<String> encounters = new ArrayList<>();
    for (int i = 0; i < clinicalResources; i++) {
      String urn = "urn:uuid:" + UUID.randomUUID();
      if (i % 10 == 0) {
        Encounter e = new Encounter();
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.setSubject(new Reference(patientUrn));
        encounters.add(urn);
        tx.addEntry().setFullUrl(urn).setResource(e).getRequest().setMethod(HTTPVerb.POST).setUrl("Encounter");
      } else {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7").setDisplay("Body Weight");
        o.setSubject(new Reference(patientUrn));
        o.setEncounter(new Reference(encounters.get(encounters.size() - 1)));
        o.setValue(new Quantity().setValue(70 + i % 5).setUnit("kg"));
        tx.addEntry().setFullUrl(urn).setResource(o).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
      }
    }
    return tx;
  }

  static TokenClientParam identifier() {
    return new TokenClientParam("identifier");
  }
}
