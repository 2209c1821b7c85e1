package io.fwoa.server.search.opensearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;
import org.opensearch.client.json.jackson.JacksonJsonpGenerator;

/**
 * A search document written to JSON once: its size decides how bulk requests are split, and the
 * same text goes into the request (the client would otherwise serialize the tree a second time).
 */
public final class JsonDocument implements JsonpSerializable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String json;
  private final long utf8Bytes;

  private JsonDocument(String json) {
    this.json = json;
    this.utf8Bytes = json.getBytes(StandardCharsets.UTF_8).length;
  }

  public static JsonDocument of(ObjectNode document) {
    try {
      return new JsonDocument(MAPPER.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The search document cannot be written as JSON", e);
    }
  }

  /** Bytes of the document in a request body (UTF-8). */
  public long bytes() {
    return utf8Bytes;
  }

  @Override
  public void serialize(JsonGenerator generator, JsonpMapper mapper) {
    if (!(generator instanceof JacksonJsonpGenerator jackson)) {
      // Both of fwoa's transports (LocalSearch, CloudTransport) use the Jackson mapper.
      throw new IllegalStateException("Search documents are written with Jackson; the transport's mapper uses "
          + generator.getClass().getName());
    }
    try {
      jackson.jacksonGenerator().writeRawValue(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return json;
  }
}
