package io.fwoa.server.storage.dynamo;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import io.fwoa.server.storage.DocumentOverflow;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StorageException;
import io.fwoa.server.storage.StoredVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads the table's stream images (DynamoDB Streams' item format): which kind of item an image
 * is, and the resource version a committed one holds. The stream carries everything the table
 * holds — see the package documentation — and only committed versions concern search.
 */
public final class StreamImages {

  /** What a stream image is. */
  public enum Kind {
    /** A committed resource version (AVAILABLE or DELETED). */
    VERSION,
    /** A version staged by a transaction, not yet visible (it is published later as a MODIFY). */
    PENDING,
    /** A transaction record ({@code _tx}, {@code _tx#1} ...). */
    TRANSACTION,
    /** An identifier index entry. */
    IDENTIFIER_INDEX,
    /** The key that authenticates history page tokens ({@code _keys}). */
    KEY,
    /** Anything else (not written by fwoa). */
    OTHER
  }

  private StreamImages() {}

  /** The kind of an item, from its key and (when present) its image. */
  public static Kind kind(Map<String, AttributeValue> keys, Map<String, AttributeValue> image) {
    String id = s(keys, TableSchema.ID);
    if (id == null) {
      return Kind.OTHER;
    }
    if (Items.isTxPartition(id)) {
      return Kind.TRANSACTION;
    }
    if (id.contains(Items.IDENT_MARKER)) {
      return Kind.IDENTIFIER_INDEX;
    }
    if (id.equals(TokenKey.PARTITION)) {
      return Kind.KEY;
    }
    if (image == null) {
      return Kind.OTHER;
    }
    String status = s(image, Items.STATUS);
    if (Items.PENDING.equals(status)) {
      return Kind.PENDING;
    }
    if ((Items.AVAILABLE.equals(status) || Items.DELETED.equals(status)) && s(image, Items.RESOURCE_TYPE) != null
        && s(image, Items.LOGICAL_ID) != null) {
      return Kind.VERSION;
    }
    return Kind.OTHER;
  }

  /** The version number of an item's key. */
  public static long vid(Map<String, AttributeValue> keys) {
    return Long.parseLong(keys.get(TableSchema.VID).getN());
  }

  /** The resource a committed-version image belongs to, without reading its document. */
  public static ResourceKey key(Map<String, AttributeValue> image) {
    return new ResourceKey(s(image, Items.TENANT), s(image, Items.RESOURCE_TYPE), s(image, Items.LOGICAL_ID));
  }

  /**
   * The version a committed image holds, with its document decoded (plain, gzip, or fetched from
   * the overflow bucket).
   *
   * @param overflow where large documents are, or null (then such an image fails)
   */
  public static StoredVersion version(Map<String, AttributeValue> image, DocumentOverflow overflow) {
    boolean deleted = Items.DELETED.equals(s(image, Items.STATUS));
    String json = s(image, Items.RESOURCE);
    AttributeValue gz = image.get(Items.RESOURCE_GZ);
    if (json == null && gz != null && gz.getB() != null) {
      json = gunzip(bytes(gz.getB()));
    } else if (json == null && s(image, Items.RESOURCE_REF) != null) {
      if (overflow == null) {
        throw new StorageException("The document of " + key(image) + " is in the overflow bucket, and no bucket is "
            + "configured (FHIR_BINARY_BUCKET)");
      }
      json = gunzip(overflow.get(s(image, Items.RESOURCE_REF)));
    }
    if (!deleted && json == null) {
      throw new StorageException("The stream image of " + key(image) + " has no document");
    }
    return new StoredVersion(key(image), Long.parseLong(image.get(TableSchema.VID).getN()),
        Instant.parse(s(image, TableSchema.LAST_UPDATED)), deleted, json, s(image, Items.METHOD),
        s(image, Items.CONTENT_KEY));
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private static String gunzip(byte[] bytes) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StorageException("A document in the stream is not valid gzip", e);
    }
  }

  private static String s(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item == null ? null : item.get(name);
    return v == null ? null : v.getS();
  }
}
