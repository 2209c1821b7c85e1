package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** History `_page` tokens: only the ones the server issued, for the query they came from, are accepted. */
@ExtendWith(LocalStack.class)
class HistoryPageTokensTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalFhirServer server;
  private String token;
  private String patientId;
  private String otherPatientId;

  @BeforeEach
  void setUp(LocalFhirServer server) throws Exception {
    this.server = server;
    this.token = server.token("practitioner");
    patientId = "tok-" + UUID.randomUUID();
    for (int v = 0; v < 5; v++) {
      assertThat(put("Patient", patientId).statusCode()).isIn(200, 201);
    }
    otherPatientId = "tok-" + UUID.randomUUID();
    put("Patient", otherPatientId);
    put("Observation", "tok-" + UUID.randomUUID());
  }

  private HttpResponse<String> put(String type, String id) {
    String body = type.equals("Patient") ? "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}"
        : "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\",\"code\":{\"text\":\"t\"}}";
    return Http.send("PUT", server.baseUrl() + "/" + type + "/" + id, token, "application/fhir+json", body);
  }

  private HttpResponse<String> get(String path) {
    return Http.send("GET", server.baseUrl() + path, token, null, null);
  }

  /** The `_page` value of a history Bundle's next link. */
  private static String nextPage(HttpResponse<String> r) throws Exception {
    for (JsonNode link : JSON.readTree(r.body()).path("link")) {
      if (link.path("relation").asText().equals("next")) {
        String url = link.path("url").asText();
        String page = url.substring(url.indexOf("_page=") + 6);
        int amp = page.indexOf('&');
        return java.net.URLDecoder.decode(amp < 0 ? page : page.substring(0, amp), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private void assertRefused(String path, String page) {
    HttpResponse<String> r = get(path + (path.contains("?") ? "&" : "?") + "_page="
        + URLEncoder.encode(page, StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as("%s with _page=%s: %s", path, page, r.body()).isEqualTo(400);
    assertThat(r.body()).contains("OperationOutcome").contains("_page");
  }

  @Test
  void realTokensPageThroughEveryLevel() throws Exception {
    for (String path : List.of("/Patient/" + patientId + "/_history", "/Patient/_history", "/_history")) {
      List<String> ids = new ArrayList<>();
      HttpResponse<String> r = get(path + "?_count=2");
      int pages = 1;
      while (true) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode e : JSON.readTree(r.body()).path("entry")) {
          ids.add(e.path("resource").path("id").asText() + "/" + e.path("resource").path("meta").path("versionId")
              .asText());
        }
        String next = nextPage(r);
        if (next == null || pages == 4) {
          break;
        }
        r = get(path + "?_count=2&_page=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        pages++;
      }
      assertThat(pages).as(path).isGreaterThan(2);
      assertThat(ids).as(path).doesNotHaveDuplicates();
    }
  }

  @Test
  void tamperedTruncatedForeignAndGarbageTokensAreRefused() throws Exception {
    String instance = "/Patient/" + patientId + "/_history";
    String instanceToken = nextPage(get(instance + "?_count=2"));
    String typeToken = nextPage(get("/Patient/_history?_count=1"));
    String systemToken = nextPage(get("/_history?_count=1"));
    assertThat(List.of(instanceToken, typeToken, systemToken)).doesNotContainNull();

    // Tampered: one character of the position changed; truncated: the MAC cut short.
    for (String t : List.of(instanceToken, typeToken, systemToken)) {
      char c = t.charAt(3);
      String tampered = t.substring(0, 3) + (c == 'A' ? 'B' : 'A') + t.substring(4);
      assertRefused(instance, tampered);
      assertRefused("/Patient/_history", tampered);
      assertRefused("/_history", tampered);
      assertRefused("/_history", t.substring(0, t.length() - 4));
      assertRefused("/_history", t.substring(0, t.indexOf('.')));
    }
    // Another query's token: other type, other resource, other level, other _since.
    assertRefused("/Observation/_history", typeToken);
    assertRefused("/Patient/" + otherPatientId + "/_history", instanceToken);
    assertRefused("/Patient/_history", systemToken);
    assertRefused("/_history", typeToken);
    assertRefused("/Patient/_history?_since=2020-01-01T00:00:00Z", typeToken);
    // Garbage, and what earlier versions issued: a DynamoDB key in base64 JSON, here one that
    // names a key of another index (DynamoDB refused it with a ValidationException: 500).
    String legacy = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"id\":\"SPatient/x\",\"vid\":\"N1\",\"typeHistory\":\"SObservation\",\"lastUpdated\":\"S2020\"}")
            .getBytes(StandardCharsets.UTF_8));
    for (String garbage : List.of("not-a-token", ".", "a.b", "AAAA.AAAA", legacy, "x".repeat(20_000))) {
      assertRefused("/Patient/_history", garbage);
      assertRefused(instance, garbage);
    }
  }
}
