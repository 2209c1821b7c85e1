package io.fwoa.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 250 patients (one transaction): multi-key sorting, paging through every result with the
 * Bundle's next links (stable while data changes), totals, _summary, _elements, POST _search, and
 * lenient/strict handling. Expected orders come from sorting the test's own data in Java.
 */
@ExtendWith(LocalStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagingAndResultsTest {

  private static final int N = 250;

  private record Person(String id, String family, String given, String birthDate) {}

  private SearchClient search;
  private final List<Person> people = new ArrayList<>();

  @BeforeAll
  void data(LocalFhirServer server) throws Exception {
    search = new SearchClient(server, "practitioner");
    ObjectNode bundle = SearchClient.JSON.createObjectNode();
    bundle.put("resourceType", "Bundle").put("type", "transaction");
    ArrayNode entries = bundle.putArray("entry");
    Map<Integer, String[]> values = new LinkedHashMap<>();
    for (int i = 0; i < N; i++) {
      String family = "Fam" + (i % 7);
      String given = String.format("G%03d", (i * 37) % N); // distinct, not in creation order
      String birth = (1900 + (i * 13) % 60) + "-01-01";
      values.put(i, new String[] {family, given, birth});
      ObjectNode p = entries.addObject();
      ObjectNode r = p.putObject("resource");
      r.put("resourceType", "Patient");
      r.putObject("meta").putArray("tag").addObject().put("system", search.tagSystem).put("code", search.tag);
      ObjectNode name = r.putArray("name").addObject();
      name.put("family", family);
      name.putArray("given").add(given);
      r.put("birthDate", birth);
      if (i == 0) {
        r.putObject("text").put("status", "generated").put("div",
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">narrative</div>");
      }
      p.putObject("request").put("method", "POST").put("url", "Patient");
    }
    HttpResponse<String> res = Http.send("POST", search.base(), search.token(), "application/fhir+json",
        bundle.toString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    JsonNode out = SearchClient.JSON.readTree(res.body());
    for (int i = 0; i < N; i++) {
      String location = out.get("entry").get(i).get("response").get("location").asText();
      String id = location.split("/")[1];
      String[] v = values.get(i);
      people.add(new Person(id, v[0], v[1], v[2]));
    }
  }

  /** Follows next links from the first page; returns the ids in order and checks every page. */
  private List<String> allPages(String query, int count) {
    List<String> ids = new ArrayList<>();
    HttpResponse<String> page = search.get("/Patient", query + "&_count=" + count, Map.of());
    int pages = 0;
    while (true) {
      JsonNode b = SearchClient.bundle(page);
      pages++;
      assertThat(b.get("total").asInt()).isEqualTo(N);
      for (JsonNode e : b.path("entry")) {
        ids.add(e.get("resource").get("id").asText());
      }
      String next = link(b, "next");
      if (next == null) {
        break;
      }
      assertThat(b.path("entry").size()).isEqualTo(count);
      page = Http.send("GET", next, search.token(), null, null);
    }
    assertThat(pages).isEqualTo((N + count - 1) / count);
    return ids;
  }

  @Test
  void pagesThroughAllResultsInSortOrder() {
    List<String> expected = people.stream()
        .sorted(Comparator.comparing(Person::family)
            .thenComparing(Comparator.comparing(Person::birthDate).reversed())
            .thenComparing(Person::given))
        .map(Person::id).toList();
    List<String> ids = allPages("birthdate=lt2000&_sort=family,-birthdate,given", 40);
    assertThat(ids).hasSize(N).doesNotHaveDuplicates().containsExactlyElementsOf(expected);

    List<String> byGivenDesc = people.stream().sorted(Comparator.comparing(Person::given).reversed())
        .map(Person::id).toList();
    assertThat(allPages("birthdate=lt2000&_sort=-given", 100)).containsExactlyElementsOf(byGivenDesc);
  }

  @Test
  void pagingIsStableWhileResourcesAreAdded() {
    JsonNode first = SearchClient.bundle(search.get("/Patient", "_sort=given&_count=50", Map.of()));
    List<String> ids = new ArrayList<>();
    first.path("entry").forEach(e -> ids.add(e.get("resource").get("id").asText()));
    // A new patient that sorts first: it must not push a shown resource onto the next page.
    search.create(null, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Zed\",\"given\":[\"A-first\"]}]}");
    String next = link(first, "next");
    while (next != null) {
      JsonNode b = SearchClient.bundle(Http.send("GET", next, search.token(), null, null));
      b.path("entry").forEach(e -> ids.add(e.get("resource").get("id").asText()));
      next = link(b, "next");
    }
    Set<String> created = new HashSet<>(people.stream().map(Person::id).toList());
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids.stream().filter(created::contains).count()).isEqualTo(N);
  }

  @Test
  void totals() {
    JsonNode b = SearchClient.bundle(search.get("/Patient", "family=fam1&_total=none", Map.of()));
    assertThat(b.has("total")).isFalse();
    long fam1 = people.stream().filter(p -> p.family().equals("Fam1")).count();
    b = SearchClient.bundle(search.get("/Patient", "family=fam1&_total=accurate&_count=5", Map.of()));
    assertThat(b.get("total").asLong()).isEqualTo(fam1);
    assertThat(b.get("entry").size()).isEqualTo(5);
    b = SearchClient.bundle(search.get("/Patient", "family=fam1&_total=estimate", Map.of()));
    assertThat(b.get("total").asLong()).isEqualTo(fam1);
    b = SearchClient.bundle(search.get("/Patient", "family=fam1&_summary=count", Map.of()));
    assertThat(b.get("total").asLong()).isEqualTo(fam1);
    assertThat(b.has("entry")).isFalse();
    b = SearchClient.bundle(search.get("/Patient", "family=fam1&_count=0", Map.of()));
    assertThat(b.get("total").asLong()).isEqualTo(fam1);
    assertThat(b.has("entry")).isFalse();
  }

  @Test
  void summaryAndElements() {
    String first = people.get(0).id();
    JsonNode b = SearchClient.bundle(search.get("/Patient", "_id=" + first + "&_elements=birthDate", Map.of()));
    JsonNode r = b.get("entry").get(0).get("resource");
    assertThat(r.has("birthDate")).isTrue();
    assertThat(r.has("name")).isFalse();
    assertThat(r.get("meta").get("tag").toString()).contains("SUBSETTED");

    b = SearchClient.bundle(search.get("/Patient", "_id=" + first + "&_summary=true", Map.of()));
    r = b.get("entry").get(0).get("resource");
    assertThat(r.has("name")).isTrue();
    assertThat(r.has("text")).isFalse();
    b = SearchClient.bundle(search.get("/Patient", "_id=" + first + "&_summary=data", Map.of()));
    assertThat(b.get("entry").get(0).get("resource").has("text")).isFalse();
    b = SearchClient.bundle(search.get("/Patient", "_id=" + first + "&_summary=text", Map.of()));
    r = b.get("entry").get(0).get("resource");
    assertThat(r.has("text")).isTrue();
    assertThat(r.has("birthDate")).isFalse();
  }

  @Test
  void postSearchTakesFormParameters() {
    String form = "family=" + SearchClient.enc("fam2") + "&birthdate=" + SearchClient.enc("ge1930")
        + "&_tag=" + SearchClient.enc(search.tagSystem + "|" + search.tag) + "&_count=500";
    HttpResponse<String> post = Http.send("POST", search.base() + "/Patient/_search", search.token(),
        "application/x-www-form-urlencoded", form);
    JsonNode b = SearchClient.bundle(post);
    Set<String> found = new HashSet<>();
    b.path("entry").forEach(e -> found.add(e.get("resource").get("id").asText()));
    Set<String> expected = new HashSet<>(people.stream()
        .filter(p -> p.family().equals("Fam2") && p.birthDate().compareTo("1930") >= 0).map(Person::id).toList());
    assertThat(found).isEqualTo(expected).isNotEmpty();
    assertThat(Http.send("POST", search.base() + "/Patient/_search", search.token(), "application/fhir+json", "{}")
        .statusCode()).isEqualTo(415);
  }

  @Test
  void unknownParametersLenientOrStrict() {
    HttpResponse<String> lenient = search.get("/Patient", "family=fam3&shoe-size=44", Map.of());
    JsonNode b = SearchClient.bundle(lenient);
    long fam3 = people.stream().filter(p -> p.family().equals("Fam3")).count();
    assertThat(b.get("total").asLong()).isEqualTo(fam3);
    JsonNode outcome = null;
    for (JsonNode e : b.get("entry")) {
      if ("outcome".equals(e.get("search").get("mode").asText())) {
        outcome = e.get("resource");
      }
    }
    assertThat(outcome).isNotNull();
    assertThat(outcome.toString()).contains("shoe-size").contains("warning");
    assertThat(search.get("/Patient", "family=fam3&shoe-size=44", Map.of("Prefer", "handling=lenient"))
        .statusCode()).isEqualTo(200);
    HttpResponse<String> strict = search.get("/Patient", "family=fam3&shoe-size=44",
        Map.of("Prefer", "handling=strict"));
    assertThat(strict.statusCode()).isEqualTo(400);
    assertThat(strict.body()).contains("shoe-size");
    assertThat(search.get("/Patient", "family:sounds-like=x", Map.of("Prefer", "handling=strict")).statusCode())
        .isEqualTo(400);
    assertThat(search.get("/Patient", "_page=not-a-token", Map.of()).statusCode()).isEqualTo(400);
  }

  private static String link(JsonNode bundle, String relation) {
    for (JsonNode l : bundle.path("link")) {
      if (relation.equals(l.get("relation").asText())) {
        return l.get("url").asText();
      }
    }
    return null;
  }
}
