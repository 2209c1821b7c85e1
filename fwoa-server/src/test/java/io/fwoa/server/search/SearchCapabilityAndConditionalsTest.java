package io.fwoa.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CapabilityStatement claims exactly the search parameters the server answers, and
 * conditional operations use search for any parameter.
 */
@ExtendWith(LocalStack.class)
class SearchCapabilityAndConditionalsTest {

  @Test
  void everyClaimedSearchParameterIsAnsweredUnderStrictHandling(LocalFhirServer server) throws Exception {
    HttpResponse<String> metadata = Http.send("GET", server.baseUrl() + "/metadata", null, null, null);
    CapabilityStatement cs = Fhir.jsonParser().parseResource(CapabilityStatement.class, metadata.body());
    List<CapabilityStatementRestResourceComponent> resources = cs.getRestFirstRep().getResource();
    CapabilityStatementRestResourceComponent patient = resources.stream()
        .filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
    assertThat(patient.getInteraction()).extracting(i -> i.getCode().toCode()).contains("search-type");
    assertThat(patient.getSearchParam()).extracting(CapabilityStatementRestResourceSearchParamComponent::getName)
        .contains("name", "birthdate", "identifier", "organization", "_id", "_lastUpdated", "_tag", "_content");
    assertThat(patient.getSearchRevInclude()).extracting(s -> s.getValue()).contains("Observation:subject");
    CapabilityStatementRestResourceComponent location = resources.stream()
        .filter(r -> r.getType().equals("Location")).findFirst().orElseThrow();
    // "near" is a special parameter (geographic distance) that fwoa does not implement: not claimed.
    assertThat(location.getSearchParam()).extracting(CapabilityStatementRestResourceSearchParamComponent::getName)
        .contains("name", "address").doesNotContain("near");
    assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode()).contains("search-system");

    // Every claimed parameter of each type, all in one strict request per type (any unknown one
    // would make it a 400 naming the parameter).
    String token = server.token("practitioner");
    ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    int asked = 0;
    for (CapabilityStatementRestResourceComponent r : resources) {
      StringBuilder query = new StringBuilder("_summary=count");
      for (CapabilityStatementRestResourceSearchParamComponent p : r.getSearchParam()) {
        query.append('&').append(p.getName()).append(":missing=false");
        asked++;
      }
      String url = server.baseUrl() + "/" + r.getType() + "?" + query;
      {
        pool.submit(() -> {
          HttpResponse<String> res = Http.send("GET", url, token, null, null, Map.of("Prefer", "handling=strict"));
          if (res.statusCode() != 200) {
            refused.add(url + " → " + res.statusCode() + " " + res.body());
          }
        });
      }
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    assertThat(asked).isGreaterThan(2000);
    assertThat(refused).isEmpty();
  }

  @Test
  void conditionalOperationsAcceptAnySearchParameter(LocalFhirServer server) {
    SearchClient c = new SearchClient(server, "practitioner");
    String family = "Cond" + c.tag.substring(0, 8);
    String body = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}],\"birthDate\":\"1977-07-07\"}";
    String condition = "family=" + family + "&birthdate=1977-07-07";
    HttpResponse<String> first = Http.send("POST", server.baseUrl() + "/Patient", c.token(), "application/fhir+json",
        body, Map.of("If-None-Exist", condition));
    assertThat(first.statusCode()).isEqualTo(201);
    HttpResponse<String> again = Http.send("POST", server.baseUrl() + "/Patient", c.token(), "application/fhir+json",
        body, Map.of("If-None-Exist", condition));
    assertThat(again.statusCode()).isEqualTo(200);
    // The match is the resource the first create made, served as it is (version 1).
    String createdId = first.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+)/.*", "$1");
    assertThat(again.body()).contains("\"id\":\"" + createdId + "\"");
    assertThat(again.headers().firstValue("ETag")).contains("W/\"1\"");

    // Conditional update finds the one match and writes a new version of it.
    String updated = body.replace("1977-07-07\"}", "1977-07-07\",\"gender\":\"female\"}");
    HttpResponse<String> put = Http.send("PUT", server.baseUrl() + "/Patient?" + SearchClient.encode(condition),
        c.token(), "application/fhir+json", updated);
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.body()).contains("\"versionId\":\"2\"").contains("female");

    // A second match makes conditional delete refuse (412) and delete nothing.
    Http.send("POST", server.baseUrl() + "/Patient", c.token(), "application/fhir+json", body);
    HttpResponse<String> delete = Http.send("DELETE", server.baseUrl() + "/Patient?family=" + family, c.token(), null,
        null);
    assertThat(delete.statusCode()).isEqualTo(412);
    HttpResponse<String> count = Http.send("GET", server.baseUrl() + "/Patient?family=" + family + "&_summary=count",
        c.token(), null, null);
    assertThat(count.body()).contains("\"total\":2");
    List<String> unknown = new ArrayList<>();
    HttpResponse<String> bad = Http.send("DELETE", server.baseUrl() + "/Patient?shoe-size=44", c.token(), null, null);
    unknown.add(bad.statusCode() + "");
    assertThat(unknown).containsExactly("400");
  }
}
