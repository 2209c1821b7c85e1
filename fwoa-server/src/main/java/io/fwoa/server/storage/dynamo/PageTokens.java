package io.fwoa.server.storage.dynamo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.server.storage.InvalidPageTokenException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * History paging position as an opaque URL-safe token: the DynamoDB key to continue after. Only
 * string and number key attributes of this table can appear, and nothing else is accepted.
 */
final class PageTokens {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {};

  private PageTokens() {}

  static String encode(Map<String, AttributeValue> key) {
    Map<String, String> plain = new LinkedHashMap<>();
    key.forEach((name, value) -> plain.put(name, value.n() != null ? "N" + value.n() : "S" + value.s()));
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(plain));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, AttributeValue> decode(String token) {
    Map<String, String> plain;
    try {
      plain = JSON.readValue(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8), MAP);
    } catch (IllegalArgumentException | JsonProcessingException e) {
      throw new InvalidPageTokenException("Invalid paging token '" + token + "'");
    }
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : plain.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      boolean known = name.equals(TableSchema.ID) || name.equals(TableSchema.VID)
          || name.equals(TableSchema.TYPE_HISTORY_KEY) || name.equals(TableSchema.SYSTEM_HISTORY_KEY)
          || name.equals(TableSchema.LAST_UPDATED);
      if (!known || value == null || value.isEmpty()) {
        throw new InvalidPageTokenException("Invalid paging token '" + token + "'");
      }
      if (value.charAt(0) == 'N') {
        try {
          Long.parseLong(value.substring(1));
        } catch (NumberFormatException nfe) {
          throw new InvalidPageTokenException("Invalid paging token '" + token + "'");
        }
        key.put(name, AttributeValue.builder().n(value.substring(1)).build());
      } else {
        key.put(name, AttributeValue.builder().s(value.substring(1)).build());
      }
    }
    if (!key.containsKey(TableSchema.ID) || !key.containsKey(TableSchema.VID)) {
      throw new InvalidPageTokenException("Invalid paging token '" + token + "'");
    }
    return key;
  }
}
