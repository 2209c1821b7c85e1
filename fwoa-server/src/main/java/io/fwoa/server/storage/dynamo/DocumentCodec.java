package io.fwoa.server.storage.dynamo;

import static io.fwoa.server.storage.dynamo.Items.s;
import static io.fwoa.server.storage.dynamo.Items.str;

import io.fwoa.server.storage.DocumentOverflow;
import io.fwoa.server.storage.DocumentTooLargeException;
import io.fwoa.server.storage.StorageException;
import io.fwoa.server.storage.StoredVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Where a version's document goes in its item: plain, gzip-compressed, or a reference to overflow. */
final class DocumentCodec {

  /**
   * Items keep documents up to this size as plain strings; larger ones are gzipped. DynamoDB
   * charges writes and reads per KB of item, and FHIR JSON compresses about threefold: in the
   * Synthea population of bench/ingest.sh, 41% of the resources are over 1 KB (3.7 KB on average,
   * 1.2 KB gzipped), and its items take 1.6 times fewer write units (bench/document-sizes.sh).
   * dynalite, which keeps items as JSON text, spends about a fifth less CPU on that ingest.
   */
  static final int PLAIN_LIMIT = 1024;
  /** Compressed documents up to this size stay in the item (DynamoDB's limit is 400 KB per item). */
  private static final int ITEM_LIMIT = 300 * 1024;

  private final DocumentOverflow overflow;
  private final SecureRandom random = new SecureRandom();

  DocumentCodec(DocumentOverflow overflow) {
    this.overflow = overflow;
  }

  /** The attributes holding a version's document. */
  Map<String, AttributeValue> encode(StoredVersion v) {
    if (v.json() == null) {
      return Map.of();
    }
    byte[] bytes = v.json().getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= PLAIN_LIMIT) {
      return Map.of(Items.RESOURCE, s(v.json()));
    }
    byte[] gz = gzip(bytes);
    if (gz.length <= ITEM_LIMIT) {
      return Map.of(Items.RESOURCE_GZ, AttributeValue.builder().b(SdkBytes.fromByteArray(gz)).build());
    }
    if (overflow == null) {
      throw new DocumentTooLargeException("The resource is too large to store: " + bytes.length + " bytes ("
          + gz.length + " compressed; at most " + ITEM_LIMIT + " without an overflow bucket)");
    }
    byte[] nonce = new byte[6];
    random.nextBytes(nonce);
    String key = "documents/" + Items.partitionKey(v.key()) + "/" + v.versionId() + "-"
        + HexFormat.of().formatHex(nonce) + ".json.gz";
    overflow.put(key, gz);
    return Map.of(Items.RESOURCE_REF, s(key));
  }

  /** The version an item holds, with its document decoded. */
  StoredVersion decode(Map<String, AttributeValue> item) {
    String json = null;
    AttributeValue gz = item.get(Items.RESOURCE_GZ);
    if (gz != null && gz.b() != null) {
      json = gunzip(gz.b().asByteArray());
    } else if (item.get(Items.RESOURCE_REF) != null) {
      if (overflow == null) {
        throw new StorageException("Resource stored in the overflow bucket, but none is configured");
      }
      json = gunzip(overflow.get(str(item, Items.RESOURCE_REF)));
    }
    return Items.toVersion(item, json);
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 8);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String gunzip(byte[] bytes) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StorageException("A stored document is not valid gzip", e);
    }
  }
}
