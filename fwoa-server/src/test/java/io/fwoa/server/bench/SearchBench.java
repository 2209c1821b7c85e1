package io.fwoa.server.bench;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.search.stream.StreamIndexer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.SearchClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Search benchmark on the local stack: 10,000 Synthea-like resources (patients with their
 * encounters, conditions and vital-sign/lab observations) are indexed through the stream Lambda's
 * handler in batches of 100 (the event source mapping's batch size), then five typical queries run
 * over HTTP. Prints indexing throughput and p50/p99 latency per query. Not a test.
 */
public final class SearchBench {

  private static final String[] FAMILIES = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
      "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas"};
  private static final String[][] VITALS = {{"8480-6", "Systolic blood pressure", "mm[Hg]"},
      {"8462-4", "Diastolic blood pressure", "mm[Hg]"}, {"29463-7", "Body weight", "kg"},
      {"8302-2", "Body height", "cm"}, {"2339-0", "Glucose", "mg/dL"}, {"39156-5", "BMI", "kg/m2"}};
  private static final String[][] CONDITIONS = {{"44054006", "Diabetes"}, {"38341003", "Hypertension"},
      {"195662009", "Acute viral pharyngitis"}, {"10509002", "Acute bronchitis"}};

  private SearchBench() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    try (LocalFhirServer server = LocalFhirServer.start(LocalFhirServer.Options.inMemory())) {
      List<Resource> resources = generate(total, new Random(42));
      StreamIndexHandler handler = new StreamIndexHandler(new StreamIndexer(server.searchIndex(), false, false,
          null));
      List<DynamodbStreamRecord> records = new ArrayList<>();
      long seq = 0;
      for (Resource r : resources) {
        records.add(record(r, ++seq));
      }
      // Warm-up on the first 500 (JIT, index creation), then the measured rest.
      int warm = Math.min(500, total / 10);
      index(handler, records.subList(0, warm));
      long t = System.nanoTime();
      index(handler, records.subList(warm, records.size()));
      double seconds = (System.nanoTime() - t) / 1e9;
      System.out.printf("indexing resources=%d batch=100 seconds=%.2f resources_per_s=%.0f%n",
          records.size() - warm, seconds, (records.size() - warm) / seconds);
      Http.send("POST", server.searchEndpoint() + "/_refresh", null, null, null);

      String token = server.token("practitioner");
      Patient somePatient = (Patient) resources.stream().filter(r -> r instanceof Patient).skip(7).findFirst()
          .orElseThrow();
      Map<String, String> queries = new LinkedHashMap<>();
      queries.put("name+gender", "/Patient?name=smi&gender=female");
      queries.put("patient-observations-sorted", "/Observation?patient=Patient/" + somePatient.getIdPart()
          + "&code=http://loinc.org|29463-7&_sort=-date");
      queries.put("code+value+date", "/Observation?code=8480-6&value-quantity=gt130&date=ge2020-01-01");
      queries.put("chain+include", "/Encounter?subject:Patient.name=garcia&date=ge2021&_include=Encounter:subject");
      queries.put("has+total", "/Patient?_has:Condition:patient:code=44054006&_total=accurate&_count=50");
      for (Map.Entry<String, String> q : queries.entrySet()) {
        String url = server.baseUrl() + q.getValue().replace("|", "%7C");
        int hits = 0;
        for (int i = 0; i < 20; i++) {
          HttpResponse<String> r = Http.send("GET", url, token, null, null);
          if (r.statusCode() != 200) {
            throw new IllegalStateException(q.getKey() + ": " + r.statusCode() + " " + r.body());
          }
          hits = SearchClient.JSON.readTree(r.body()).path("entry").size();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
          long s = System.nanoTime();
          Http.send("GET", url, token, null, null);
          nanos[i] = System.nanoTime() - s;
        }
        Arrays.sort(nanos);
        System.out.printf("query %-28s entries=%-3d p50_ms=%.1f p99_ms=%.1f%n", q.getKey(), hits,
            nanos[runs / 2] / 1e6, nanos[(int) Math.ceil(runs * 0.99) - 1] / 1e6);
      }
    }
  }

  private static void index(StreamIndexHandler handler, List<DynamodbStreamRecord> records) {
    for (int from = 0; from < records.size(); from += 100) {
      DynamodbEvent e = new DynamodbEvent();
      e.setRecords(records.subList(from, Math.min(records.size(), from + 100)));
      StreamsEventResponse r = handler.handleRequest(e, null);
      if (!r.getBatchItemFailures().isEmpty()) {
        throw new IllegalStateException(r.getBatchItemFailures().size() + " records failed");
      }
    }
  }

  /** Patients with ~25 resources each: encounters, conditions, observations, Synthea's mix. */
  static List<Resource> generate(int total, Random random) {
    List<Resource> out = new ArrayList<>();
    while (out.size() < total) {
      Patient p = new Patient();
      p.setId(UUID.randomUUID().toString());
      p.addIdentifier().setSystem("https://github.com/synthetichealth/synthea").setValue(UUID.randomUUID().toString());
      p.addName().setFamily(FAMILIES[random.nextInt(FAMILIES.length)]).addGiven("Given" + random.nextInt(500));
      p.setGender(random.nextBoolean() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
      p.setBirthDateElement(new DateType(LocalDate.of(1930 + random.nextInt(80), 1 + random.nextInt(12),
          1 + random.nextInt(28)).toString()));
      p.addAddress().setCity("Boston").setState("MA").setPostalCode("02" + (100 + random.nextInt(800)));
      out.add(p);
      Reference subject = new Reference("Patient/" + p.getIdPart());
      for (int e = 0; e < 4 && out.size() < total; e++) {
        Encounter enc = new Encounter();
        enc.setId(UUID.randomUUID().toString());
        enc.setStatus(Encounter.EncounterStatus.FINISHED);
        enc.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
        enc.setSubject(subject);
        LocalDate day = LocalDate.of(2015 + random.nextInt(9), 1 + random.nextInt(12), 1 + random.nextInt(28));
        enc.setPeriod(new Period().setStartElement(new DateTimeType(day + "T09:00:00Z"))
            .setEndElement(new DateTimeType(day + "T09:30:00Z")));
        out.add(enc);
        if (random.nextInt(4) == 0 && out.size() < total) {
          String[] c = CONDITIONS[random.nextInt(CONDITIONS.length)];
          Condition cond = new Condition();
          cond.setId(UUID.randomUUID().toString());
          cond.getCode().addCoding().setSystem("http://snomed.info/sct").setCode(c[0]).setDisplay(c[1]);
          cond.setSubject(subject);
          cond.setEncounter(new Reference("Encounter/" + enc.getIdPart()));
          cond.setOnset(new DateTimeType(day + "T09:10:00Z"));
          out.add(cond);
        }
        for (int o = 0; o < 5 && out.size() < total; o++) {
          String[] v = VITALS[random.nextInt(VITALS.length)];
          Observation obs = new Observation();
          obs.setId(UUID.randomUUID().toString());
          obs.setStatus(Observation.ObservationStatus.FINAL);
          obs.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
              .setCode("vital-signs");
          obs.getCode().addCoding().setSystem("http://loinc.org").setCode(v[0]).setDisplay(v[1]);
          obs.setSubject(subject);
          obs.setEncounter(new Reference("Encounter/" + enc.getIdPart()));
          obs.setEffective(new DateTimeType(day + "T09:1" + o + ":00Z"));
          obs.setValue(new Quantity().setValue(60 + random.nextInt(100)).setUnit(v[2])
              .setSystem("http://unitsofmeasure.org").setCode(v[2]));
          out.add(obs);
        }
      }
    }
    return out;
  }

  /** The stream record DynamoDB emits when fwoa stores version 1 of the resource. */
  private static DynamodbStreamRecord record(Resource r, long seq) {
    String now = Instant.now().toString();
    r.getMeta().setVersionId("1").setLastUpdatedElement(new org.hl7.fhir.r4.model.InstantType(now));
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", s(r.fhirType() + "/" + r.getIdPart()));
    item.put("vid", new AttributeValue().withN("1"));
    item.put("resourceType", s(r.fhirType()));
    item.put("logicalId", s(r.getIdPart()));
    item.put("documentStatus", s("AVAILABLE"));
    item.put("lastUpdated", s(now));
    item.put("method", s("POST"));
    item.put("resource", s(Fhir.toJson(r)));
    StreamRecord s = new StreamRecord();
    s.setKeys(Map.of("id", item.get("id"), "vid", item.get("vid")));
    s.setNewImage(item);
    s.setSequenceNumber(Long.toString(seq));
    DynamodbStreamRecord rec = new DynamodbStreamRecord();
    rec.setEventName("INSERT");
    rec.setDynamodb(s);
    return rec;
  }

  private static AttributeValue s(String v) {
    return new AttributeValue().withS(v);
  }
}
