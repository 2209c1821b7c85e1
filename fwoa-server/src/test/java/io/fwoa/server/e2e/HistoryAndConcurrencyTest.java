package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Clients;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Instance, type and system history with paging; concurrent If-Match updates. */
@ExtendWith(LocalStack.class)
class HistoryAndConcurrencyTest {

  private LocalFhirServer server;
  private IGenericClient client;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    this.server = server;
    this.client = Clients.practitioner(server);
  }

  @Test
  void instanceHistoryPagesNewestFirstThroughNextLinks() {
    Patient p = new Patient();
    p.addName().setFamily("H0");
    String id = client.create().resource(p).execute().getId().getIdPart();
    p.setId(id);
    for (int i = 1; i <= 6; i++) {
      p.getNameFirstRep().setFamily("H" + i);
      client.update().resource(p).execute();
    }
    client.delete().resourceById("Patient", id).execute();

    List<BundleEntryComponent> all = new ArrayList<>();
    Bundle page = client.history().onInstance("Patient/" + id).returnBundle(Bundle.class).count(3).execute();
    int pages = 1;
    all.addAll(page.getEntry());
    while (page.getLink("next") != null) {
      page = client.loadPage().next(page).execute();
      all.addAll(page.getEntry());
      pages++;
    }

    assertThat(pages).isEqualTo(3);
    assertThat(all).hasSize(8);
    assertThat(all.get(0).getRequest().getMethod()).isEqualTo(HTTPVerb.DELETE);
    assertThat(all.get(0).getResource()).isNull();
    assertThat(all.get(0).getResponse().getEtag()).isEqualTo("W/\"8\"");
    for (int i = 1; i < 8; i++) {
      Patient version = (Patient) all.get(i).getResource();
      assertThat(version.getMeta().getVersionId()).isEqualTo(Integer.toString(8 - i));
      assertThat(version.getNameFirstRep().getFamily()).isEqualTo("H" + (7 - i));
    }
    assertThat(all.get(7).getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
  }

  @Test
  void typeAndSystemHistoryHonourSinceAndCount() throws InterruptedException {
    Thread.sleep(5);
    Date since = new Date();
    String tag = UUID.randomUUID().toString();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ResearchStudy s = new ResearchStudy();
      s.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
      s.setTitle(tag + "-" + i);
      ids.add(client.create().resource(s).execute().getId().getIdPart());
    }

    List<String> titles = new ArrayList<>();
    Bundle page = client.history().onType(ResearchStudy.class).returnBundle(Bundle.class).since(since).count(2)
        .execute();
    while (true) {
      page.getEntry().forEach(e -> titles.add(((ResearchStudy) e.getResource()).getTitle()));
      if (page.getLink("next") == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    assertThat(titles).containsExactly(tag + "-6", tag + "-5", tag + "-4", tag + "-3", tag + "-2", tag + "-1",
        tag + "-0");

    Bundle system = client.history().onServer().returnBundle(Bundle.class).since(since).count(500).execute();
    assertThat(system.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsAll(ids);
    assertThat(system.getEntry()).allSatisfy(e ->
        assertThat(e.getResource().getMeta().getLastUpdated()).isAfterOrEqualTo(since));

    HttpResponse<String> badPage = Http.send("GET", server.baseUrl() + "/_history?_page=not-a-token",
        server.token("practitioner"), null, null);
    assertThat(badPage.statusCode()).isEqualTo(400);
    HttpResponse<String> badSince = Http.send("GET", server.baseUrl() + "/Patient/_history?_since=yesterday",
        server.token("practitioner"), null, null);
    assertThat(badSince.statusCode()).isEqualTo(400);
  }

  /** 20 clients update one resource at once, each with If-Match of the version they read. */
  @Test
  void concurrentIfMatchUpdatesLoseNothing() throws Exception {
    Patient p = new Patient();
    p.addName().setFamily("Race");
    String id = client.create().resource(p).execute().getId().getIdPart();
    String token = server.token("practitioner");
    String url = server.baseUrl() + "/Patient/" + id;

    int writers = 20;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Integer>> results = new ArrayList<>();
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(writers);
    for (int i = 0; i < writers; i++) {
      int writer = i;
      results.add(pool.submit((Callable<Integer>) () -> {
        Patient mine = Fhir.jsonParser().parseResource(Patient.class, Http.send("GET", url, token, null, null).body());
        ready.countDown();
        ready.await();
        mine.addExtension("http://fwoa.io/test/writer", new StringType("writer-" + writer));
        HttpResponse<String> r = Http.send("PUT", url, token, "application/fhir+json", Fhir.toJson(mine),
            Map.of("If-Match", "W/\"" + mine.getMeta().getVersionId() + "\""));
        return r.statusCode();
      }));
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> f : results) {
      statuses.add(f.get(120, TimeUnit.SECONDS));
    }
    pool.shutdown();

    long winners = statuses.stream().filter(s -> s == 200).count();
    assertThat(winners).isEqualTo(1);
    assertThat(statuses).filteredOn(s -> s != 200).containsOnly(412);
    Patient finalVersion = client.read().resource(Patient.class).withId(id).execute();
    assertThat(finalVersion.getMeta().getVersionId()).isEqualTo("2");
    assertThat(finalVersion.getExtension()).hasSize(1);
    Bundle history = client.history().onInstance("Patient/" + id).returnBundle(Bundle.class).execute();
    assertThat(history.getEntry()).hasSize(2);
  }

  /** Without If-Match every concurrent update lands as its own version: none is lost. */
  @Test
  void concurrentUpdatesWithoutIfMatchAllBecomeVersions() throws Exception {
    Patient p = new Patient();
    p.addName().setFamily("Race2");
    String id = client.create().resource(p).execute().getId().getIdPart();
    String token = server.token("practitioner");
    String url = server.baseUrl() + "/Patient/" + id;
    int writers = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      int writer = i;
      results.add(pool.submit(() -> {
        Patient mine = new Patient();
        mine.setId(id);
        mine.addName().setFamily("writer-" + writer);
        return Http.send("PUT", url, token, "application/fhir+json", Fhir.toJson(mine)).statusCode();
      }));
    }
    for (Future<Integer> f : results) {
      assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(200);
    }
    pool.shutdown();
    Bundle history = client.history().onInstance("Patient/" + id).returnBundle(Bundle.class).count(50).execute();
    assertThat(history.getEntry()).hasSize(writers + 1);
    assertThat(history.getEntry()).extracting(e -> ((Patient) e.getResource()).getNameFirstRep().getFamily())
        .contains("writer-0", "writer-9");
  }

  /**
   * 20 clients create "the patient with identifier X" at once with If-None-Exist: one resource is
   * created, every other client gets that same resource back (200), none a duplicate.
   */
  @Test
  void concurrentConditionalCreatesMakeOneResource() throws Exception {
    String value = UUID.randomUUID().toString();
    String token = server.token("practitioner");
    String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:race\",\"value\":\"" + value
        + "\"}]}";
    int writers = 20;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(writers);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      results.add(pool.submit(() -> {
        ready.countDown();
        ready.await();
        return Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json", body,
            Map.of("If-None-Exist", "identifier=urn:race|" + value));
      }));
    }
    List<Integer> statuses = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Future<HttpResponse<String>> f : results) {
      HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
      statuses.add(r.statusCode());
      if (r.statusCode() / 100 == 2) {
        ids.add(Fhir.jsonParser().parseResource(Patient.class, r.body()).getIdElement().getIdPart());
      }
    }
    pool.shutdown();

    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).filteredOn(s -> s != 201).containsOnly(200);
    assertThat(ids).hasSize(1);
    Bundle found = client.search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:race", value)).returnBundle(Bundle.class)
        .execute();
    assertThat(found.getEntry()).hasSize(1);
  }

  /** The condition's id is only a first try: once its resource no longer matches, creates go on. */
  @Test
  void conditionalCreatesAfterTheFirstResourceChangedOrWasDeletedCreateAgain() {
    String value = UUID.randomUUID().toString();
    String token = server.token("practitioner");
    String url = server.baseUrl() + "/Patient";
    Map<String, String> condition = Map.of("If-None-Exist", "identifier=urn:seq|" + value);
    String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:seq\",\"value\":\"" + value
        + "\"}]}";

    HttpResponse<String> first = Http.send("POST", url, token, "application/fhir+json", body, condition);
    assertThat(first.statusCode()).isEqualTo(201);
    String id1 = Fhir.jsonParser().parseResource(Patient.class, first.body()).getIdElement().getIdPart();
    HttpResponse<String> again = Http.send("POST", url, token, "application/fhir+json", body, condition);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Fhir.jsonParser().parseResource(Patient.class, again.body()).getIdElement().getIdPart()).isEqualTo(id1);

    // The first resource stops matching: the next conditional create makes a new resource.
    assertThat(Http.send("PUT", url + "/" + id1, token, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"id\":\"" + id1 + "\",\"identifier\":[{\"system\":\"urn:seq\","
            + "\"value\":\"other\"}]}").statusCode()).isEqualTo(200);
    HttpResponse<String> second = Http.send("POST", url, token, "application/fhir+json", body, condition);
    assertThat(second.statusCode()).isEqualTo(201);
    String id2 = Fhir.jsonParser().parseResource(Patient.class, second.body()).getIdElement().getIdPart();
    assertThat(id2).isNotEqualTo(id1);

    // And once that one is deleted, again.
    assertThat(Http.send("DELETE", url + "/" + id2, token, null, null).statusCode()).isIn(200, 204);
    HttpResponse<String> third = Http.send("POST", url, token, "application/fhir+json", body, condition);
    assertThat(third.statusCode()).isEqualTo(201);
    assertThat(Fhir.jsonParser().parseResource(Patient.class, third.body()).getIdElement().getIdPart())
        .isNotIn(id1, id2);
  }
}
