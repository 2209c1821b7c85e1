package io.fwoa.engine.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** fwoa.exitAfterStartup's check that the started server answers as a user would expect. */
final class SelfCheck {

  private SelfCheck() {}

  /**
   * What a user would try first: the CapabilityStatement, an authenticated and an anonymous
   * request, and a resource that is created, found by search (through the indexing path the
   * stream Lambda runs) and deleted again; and that the referential integrity setting took effect.
   */
  static void run(String baseUrl, String token, boolean referentialIntegrity) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      List<String> problems = new ArrayList<>();
      expect(problems, "/metadata", send(http, HttpRequest.newBuilder(URI.create(baseUrl + "/metadata"))), 200);
      expect(problems, "authenticated history", send(http, authorized(baseUrl + "/Patient/_history", token)), 200);
      expect(problems, "anonymous history",
          send(http, HttpRequest.newBuilder(URI.create(baseUrl + "/Patient/_history"))), 401);
      String family = "fwoa-self-check-" + UUID.randomUUID().toString().substring(0, 8);
      HttpResponse<String> created = send(http, authorized(baseUrl + "/Patient", token)
          .header("Content-Type", "application/fhir+json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}")));
      expect(problems, "create", created, 201);
      if (created.statusCode() == 201) {
        Matcher id = Pattern.compile("/Patient/([^/]+)/_history/").matcher(
            created.headers().firstValue("Location").orElse(""));
        String search = baseUrl + "/Patient?family=" + family + "&_total=accurate";
        expectTotal(problems, "search for the created Patient", send(http, authorized(search, token)), 1);
        if (id.find()) {
          expect(problems, "delete", send(http, authorized(baseUrl + "/Patient/" + id.group(1), token).DELETE()),
              204, 200);
          expectTotal(problems, "search after the delete", send(http, authorized(search, token)), 0);
        } else {
          problems.add("create: no Location header");
        }
      }
      HttpResponse<String> dangling = send(http, authorized(baseUrl + "/Observation", token)
          .header("Content-Type", "application/fhir+json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Observation\",\"status\":\"final\","
              + "\"code\":{\"text\":\"fwoa self-check\"},\"subject\":{\"reference\":\"Patient/" + family + "\"}}")));
      expect(problems, "a reference to no resource with fwoa.enforceReferentialIntegrity=" + referentialIntegrity,
          dangling, referentialIntegrity ? 422 : 201);
      Matcher observation = Pattern.compile("/Observation/([^/]+)/_history/").matcher(
          dangling.headers().firstValue("Location").orElse(""));
      if (observation.find()) {
        send(http, authorized(baseUrl + "/Observation/" + observation.group(1), token).DELETE());
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("Local server self-check failed: " + String.join("; ", problems));
      }
    } catch (IOException e) {
      throw new IllegalStateException("Local server self-check failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during the self-check", e);
    }
  }

  private static HttpRequest.Builder authorized(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(List<String> problems, String what, HttpResponse<String> response, int... statuses) {
    for (int s : statuses) {
      if (response.statusCode() == s) {
        return;
      }
    }
    problems.add(what + " answered " + response.statusCode() + " (expected " + statuses[0] + ")");
  }

  private static void expectTotal(List<String> problems, String what, HttpResponse<String> response, int total) {
    Matcher m = Pattern.compile("\"total\"\\s*:\\s*(\\d+)").matcher(response.body());
    if (response.statusCode() != 200 || !m.find() || Integer.parseInt(m.group(1)) != total) {
      problems.add(what + " answered " + response.statusCode() + " with total "
          + (m.find(0) ? m.group(1) : "none") + " (expected " + total + ")");
    }
  }
}
