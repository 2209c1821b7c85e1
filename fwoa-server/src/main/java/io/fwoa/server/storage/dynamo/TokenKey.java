package io.fwoa.server.storage.dynamo;

import io.fwoa.server.storage.StorageException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The key that authenticates history page tokens. It lives in the table itself (one item,
 * {@code id} = {@value #PARTITION}), so every process of a deployment shares it with nothing to
 * configure: the first process to need it creates it with a conditional put, every process reads
 * it once and keeps it.
 */
final class TokenKey implements Supplier<byte[]> {

  /** Partition key of the key item; not a resource (stream consumers skip it). */
  static final String PARTITION = "_keys";
  static final long PAGE_TOKENS = 1;
  static final String SECRET = "secret";

  private final Table table;
  private volatile byte[] key;

  TokenKey(Table table) {
    this.table = table;
  }

  @Override
  public byte[] get() {
    byte[] k = key;
    if (k == null) {
      synchronized (this) {
        if (key == null) {
          key = loadOrCreate();
        }
        k = key;
      }
    }
    return k;
  }

  private byte[] loadOrCreate() {
    Map<String, AttributeValue> itemKey = Items.key(PARTITION, PAGE_TOKENS);
    Map<String, AttributeValue> item = table.item(itemKey);
    if (item == null) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      Map<String, AttributeValue> created = new java.util.HashMap<>(itemKey);
      created.put(SECRET, AttributeValue.builder().b(SdkBytes.fromByteArray(fresh)).build());
      try {
        table.putIfAbsent(created);
        return fresh;
      } catch (ConditionalCheckFailedException e) {
        item = table.item(itemKey); // another process created it first
      }
    }
    AttributeValue secret = item == null ? null : item.get(SECRET);
    if (secret == null || secret.b() == null || secret.b().asByteArray().length < 32) {
      throw new StorageException("The page token key item (" + PARTITION + ") is damaged: delete it to make a new one");
    }
    return secret.b().asByteArray();
  }
}
