package io.fwoa.server.storage;

/**
 * Where documents too large for a storage item go (DynamoDB items stop at 400 KB; FHIR
 * definition resources and resources with embedded images are larger). Keys are unique per
 * version, so objects are written once and never changed.
 */
public interface DocumentOverflow {

  void put(String key, byte[] content);

  byte[] get(String key);
}
