package io.fwoa.server.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.server.storage.DocumentOverflow;
import io.fwoa.server.storage.DocumentTooLargeException;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Where a document goes in its item, by size, and that every form reads back as written. */
class DocumentCodecTest {

  private static final String SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-";
  private static final ResourceKey KEY = new ResourceKey(null, "Observation", "o1");

  @Test
  void smallDocumentsStayPlainLargerOnesAreGzippedAndBothReadBack() {
    DocumentCodec codec = new DocumentCodec(null);
    String small = observation(DocumentCodec.PLAIN_LIMIT - 200);
    String large = observation(3 * 1024);

    Map<String, AttributeValue> plain = codec.encode(version(small));
    assertThat(plain).containsOnlyKeys(Items.RESOURCE);
    assertThat(codec.decode(item(plain)).json()).isEqualTo(small);

    Map<String, AttributeValue> gz = codec.encode(version(large));
    assertThat(gz).containsOnlyKeys(Items.RESOURCE_GZ);
    // What DynamoDB bills for: the item holds a fraction of the JSON's bytes.
    assertThat(gz.get(Items.RESOURCE_GZ).b().asByteArray().length).isLessThan(large.length() / 3);
    assertThat(codec.decode(item(gz)).json()).isEqualTo(large);
  }

  @Test
  void documentsTooLargeForAnItemGoToTheOverflowOrAreRefused() {
    String huge = noise(520 * 1024); // random text of 64 symbols: 6 bits a byte, over 300 KB gzipped
    assertThatThrownBy(() -> new DocumentCodec(null).encode(version(huge)))
        .isInstanceOf(DocumentTooLargeException.class).hasMessageContaining("too large to store");

    Map<String, byte[]> bucket = new HashMap<>();
    DocumentOverflow overflow = new DocumentOverflow() {
      @Override
      public void put(String key, byte[] content) {
        bucket.put(key, content);
      }

      @Override
      public byte[] get(String key) {
        return bucket.get(key);
      }
    };
    DocumentCodec codec = new DocumentCodec(overflow);
    Map<String, AttributeValue> ref = codec.encode(version(huge));
    assertThat(ref).containsOnlyKeys(Items.RESOURCE_REF);
    assertThat(bucket).containsOnlyKeys(ref.get(Items.RESOURCE_REF).s());
    assertThat(codec.decode(item(ref)).json()).isEqualTo(huge);
  }

  private static StoredVersion version(String json) {
    return new StoredVersion(KEY, 1, Instant.parse("2026-01-01T00:00:00Z"), false, json, "PUT", null);
  }

  private static Map<String, AttributeValue> item(Map<String, AttributeValue> document) {
    Map<String, AttributeValue> item = Items.committed(version(null), document);
    item.putAll(document);
    return item;
  }

  /** Observation JSON of about {@code bytes} bytes, repetitive as real resources are. */
  private static String observation(int bytes) {
    StringBuilder notes = new StringBuilder();
    for (int i = 0; notes.length() < bytes - 120; i++) {
      notes.append("{\"text\":\"note ").append(i).append(" taken at the bedside\"},");
    }
    notes.setLength(notes.length() - 1);
    String json = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"note\":[" + notes + "]}";
    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isBetween(bytes - 200, bytes + 100);
    return json;
  }

  private static String noise(int chars) {
    Random r = new Random(1);
    StringBuilder b = new StringBuilder("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"note\":[{\"text\":\"");
    for (int i = 0; i < chars; i++) {
      b.append(SYMBOLS.charAt(r.nextInt(SYMBOLS.length())));
    }
    return b.append("\"}]}").toString();
  }
}
