package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Binary's content stays with it: a version written without data (a PATCH of the content type, a
 * PUT of the resource alone, also inside a transaction, also the resource as read with its
 * presigned URLs) keeps the content of the version before; new data replaces it; every version
 * serves the content it had.
 */
@ExtendWith(LocalStack.class)
class BinaryContentTest {

  private static final String JSON = "application/fhir+json";

  @Test
  void contentIsCarriedForwardUntilNewContentIsSent(LocalFhirServer server) {
    String token = server.token("practitioner");
    String base = server.baseUrl();
    HttpResponse<String> created = Http.send("POST", base + "/Binary", token, JSON,
        "{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"data\":\"" + b64("first content") + "\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String id = json(created.body()).path("id").asText();
    String url = base + "/Binary/" + id;

    // v2: PATCH of the content type only.
    HttpResponse<String> patched = Http.send("PATCH", url, token, "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/contentType\",\"value\":\"text/markdown\"}]");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(content(patched.body())).isEqualTo("first content");
    // v3: PUT of the resource without data.
    HttpResponse<String> put = Http.send("PUT", url, token, JSON,
        "{\"resourceType\":\"Binary\",\"id\":\"" + id + "\",\"contentType\":\"text/plain\"}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    // v4: PUT back of what a read returned (data inline, presigned URL in meta): same content, no URL stored.
    HttpResponse<String> read = Http.send("GET", url, token, null, null);
    assertThat(content(read.body())).isEqualTo("first content");
    HttpResponse<String> putBack = Http.send("PUT", url, token, JSON, read.body());
    assertThat(putBack.statusCode()).as(putBack.body()).isEqualTo(200);
    assertThat(json(putBack.body()).path("meta").path("extension")).hasSize(1);
    // v5: new content replaces it.
    HttpResponse<String> replaced = Http.send("PUT", url, token, JSON, "{\"resourceType\":\"Binary\",\"id\":\"" + id
        + "\",\"contentType\":\"text/plain\",\"data\":\"" + b64("second content") + "\"}");
    assertThat(replaced.statusCode()).isEqualTo(200);
    // v6: a transaction PUT without data keeps it.
    HttpResponse<String> tx = Http.send("POST", base, token, JSON, "{\"resourceType\":\"Bundle\",\"type\":"
        + "\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Binary\",\"id\":\"" + id + "\","
        + "\"contentType\":\"text/csv\"},\"request\":{\"method\":\"PUT\",\"url\":\"Binary/" + id + "\"}}]}");
    assertThat(tx.statusCode()).as(tx.body()).isEqualTo(200);

    HttpResponse<String> current = Http.send("GET", url, token, null, null);
    assertThat(json(current.body()).path("meta").path("versionId").asText()).isEqualTo("6");
    assertThat(json(current.body()).path("contentType").asText()).isEqualTo("text/csv");
    assertThat(content(current.body())).isEqualTo("second content");
    String[] expected = {"first content", "first content", "first content", "first content", "second content",
        "second content"};
    for (int v = 1; v <= 6; v++) {
      HttpResponse<String> vread = Http.send("GET", url + "/_history/" + v, token, null, null);
      assertThat(vread.statusCode()).isEqualTo(200);
      assertThat(content(vread.body())).as("version %d", v).isEqualTo(expected[v - 1]);
    }
    // The presigned GET URL of a carried-forward version serves the content too.
    String getUrl = json(current.body()).path("meta").path("extension").get(0).path("valueUrl").asText();
    assertThat(Http.send("GET", getUrl, null, null, null).body()).isEqualTo("second content");
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String content(String body) {
    JsonNode data = json(body).path("data");
    assertThat(data.isTextual()).as("data in %s", body).isTrue();
    return new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
  }

  private static JsonNode json(String body) {
    try {
      return SearchClient.JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
