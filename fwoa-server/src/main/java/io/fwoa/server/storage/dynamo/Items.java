package io.fwoa.server.storage.dynamo;

import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.StoredVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Mapping between stored versions and DynamoDB items. */
final class Items {

  static final String RESOURCE_TYPE = "resourceType";
  static final String LOGICAL_ID = "logicalId";
  static final String TENANT = "tenant";
  static final String STATUS = "documentStatus";
  static final String FINAL_STATUS = "finalStatus";
  static final String RESOURCE = "resource";
  static final String RESOURCE_GZ = "resourceGz";
  static final String RESOURCE_REF = "resourceRef";
  static final String METHOD = "method";
  static final String CONTENT_KEY = "contentKey";
  static final String TX_ID = "txId";

  static final String AVAILABLE = "AVAILABLE";
  static final String DELETED = "DELETED";
  static final String PENDING = "PENDING";

  /** Partition key of transaction records of shard 0 (and of every record of unsharded tables). */
  static final String TX_PARTITION = "_tx";
  static final String TX_STATUS = "txStatus";
  static final String TX_EXPIRES_AT = "expiresAt";
  static final String TX_ITEMS = "items";
  static final String STAGING = "STAGING";
  static final String COMMITTED = "COMMITTED";
  static final String ROLLED_BACK = "ROLLED_BACK";

  /** Marker in identifier index keys; resource types never start with '_'. */
  static final String IDENT_MARKER = "_ident|";

  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_KEY_VALUE_CHARS = 512;

  private Items() {}

  static String partitionKey(ResourceKey key) {
    return tenantPrefix(key.tenant()) + key.type() + "/" + key.id();
  }

  static String tenantPrefix(String tenant) {
    return tenant == null ? "" : tenant + "|";
  }

  /** Type history index key of one shard; shard 0 is the unsharded key earlier versions wrote. */
  static String typeHistoryKey(String tenant, String type, int shard) {
    return shardKey(tenantPrefix(tenant) + type, shard);
  }

  /** System history index key of one shard; shard 0 is the unsharded key earlier versions wrote. */
  static String systemHistoryKey(String tenant, int shard) {
    return shardKey(tenant == null ? "-" : tenant, shard);
  }

  private static String shardKey(String base, int shard) {
    return shard == 0 ? base : base + "#" + shard;
  }

  /** The history index shard of a resource: spread by its logical id, fixed for all its versions. */
  static int historyShard(String logicalId) {
    return (int) (idHash(logicalId) % TableSchema.HISTORY_SHARDS);
  }

  static String identifierKey(String tenant, String type, String value) {
    String v = value.length() > MAX_KEY_VALUE_CHARS ? "sha256:" + sha256(value) : value;
    return tenantPrefix(tenant) + IDENT_MARKER + type + "|" + v;
  }

  /** A stable, well-spread number for a logical id: the sort key of its identifier index entries. */
  static long idHash(String logicalId) {
    byte[] d = digest(logicalId);
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return h & Long.MAX_VALUE;
  }

  /** The partition of a transaction's record: derived from its number, shard 0 being {@code _tx}. */
  static String txPartition(long txNum) {
    return txShardPartition((int) (txNum % TableSchema.TX_SHARDS));
  }

  static String txShardPartition(int shard) {
    return shard == 0 ? TX_PARTITION : TX_PARTITION + "#" + shard;
  }

  /** True for the partition key of a transaction record (any shard). */
  static boolean isTxPartition(String partitionKey) {
    return partitionKey.equals(TX_PARTITION) || partitionKey.startsWith(TX_PARTITION + "#");
  }

  static String formatInstant(Instant instant) {
    return INSTANT.format(instant);
  }

  static Map<String, AttributeValue> key(String partitionKey, long vid) {
    Map<String, AttributeValue> key = new HashMap<>(2);
    key.put(TableSchema.ID, s(partitionKey));
    key.put(TableSchema.VID, n(vid));
    return key;
  }

  /** The committed item of a version, indexed for history; {@code document} holds the encoded JSON. */
  static Map<String, AttributeValue> committed(StoredVersion v, Map<String, AttributeValue> document) {
    Map<String, AttributeValue> item = base(v);
    item.putAll(document);
    item.put(STATUS, s(v.deleted() ? DELETED : AVAILABLE));
    addHistoryKeys(item, v.key());
    return item;
  }

  /** The staged item of a version inside transaction {@code txId}: invisible until committed. */
  static Map<String, AttributeValue> pending(StoredVersion v, String txId, Map<String, AttributeValue> document) {
    Map<String, AttributeValue> item = base(v);
    item.putAll(document);
    item.put(STATUS, s(PENDING));
    item.put(FINAL_STATUS, s(v.deleted() ? DELETED : AVAILABLE));
    item.put(TX_ID, s(txId));
    return item;
  }

  static void addHistoryKeys(Map<String, AttributeValue> item, ResourceKey key) {
    int shard = historyShard(key.id());
    item.put(TableSchema.TYPE_HISTORY_KEY, s(typeHistoryKey(key.tenant(), key.type(), shard)));
    item.put(TableSchema.SYSTEM_HISTORY_KEY, s(systemHistoryKey(key.tenant(), shard)));
  }

  private static Map<String, AttributeValue> base(StoredVersion v) {
    Map<String, AttributeValue> item = key(partitionKey(v.key()), v.versionId());
    item.put(RESOURCE_TYPE, s(v.key().type()));
    item.put(LOGICAL_ID, s(v.key().id()));
    if (v.key().tenant() != null) {
      item.put(TENANT, s(v.key().tenant()));
    }
    item.put(TableSchema.LAST_UPDATED, s(formatInstant(v.lastUpdated())));
    item.put(METHOD, s(v.method()));
    if (v.contentKey() != null) {
      item.put(CONTENT_KEY, s(v.contentKey()));
    }
    return item;
  }

  /** A pending item as its committed form: same document, history keys added. */
  static Map<String, AttributeValue> publishedForm(Map<String, AttributeValue> pending) {
    Map<String, AttributeValue> item = new HashMap<>(pending);
    item.put(STATUS, item.remove(FINAL_STATUS));
    item.remove(TX_ID);
    StoredVersion v = toVersion(pending, null);
    addHistoryKeys(item, v.key());
    return item;
  }

  /**
   * The version an item holds; a pending item is read as if committed.
   *
   * @param json the document if it was stored compressed or elsewhere, else null
   */
  static StoredVersion toVersion(Map<String, AttributeValue> item, String json) {
    String status = str(item, STATUS);
    boolean deleted = PENDING.equals(status) ? DELETED.equals(str(item, FINAL_STATUS)) : DELETED.equals(status);
    ResourceKey key = new ResourceKey(str(item, TENANT), str(item, RESOURCE_TYPE), str(item, LOGICAL_ID));
    return new StoredVersion(key, Long.parseLong(item.get(TableSchema.VID).n()),
        Instant.parse(str(item, TableSchema.LAST_UPDATED)), deleted, json != null ? json : str(item, RESOURCE),
        str(item, METHOD),
        str(item, CONTENT_KEY));
  }

  static boolean isPending(Map<String, AttributeValue> item) {
    return PENDING.equals(str(item, STATUS));
  }

  static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  static AttributeValue n(long value) {
    return AttributeValue.builder().n(Long.toString(value)).build();
  }

  private static String sha256(String value) {
    return HexFormat.of().formatHex(digest(value));
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
