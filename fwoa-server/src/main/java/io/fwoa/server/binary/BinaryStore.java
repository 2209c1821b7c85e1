package io.fwoa.server.binary;

import java.util.Optional;

/** Where Binary content lives (S3), addressed by the content key stored with each version. */
public interface BinaryStore {

  /** Stores content under a key. */
  void put(String contentKey, byte[] data, String contentType);

  /** The content, if present and not larger than {@code maxBytes}. */
  Optional<byte[]> get(String contentKey, int maxBytes);

  /** A time-limited URL the client may PUT the content to. */
  String presignedPut(String contentKey, String contentType);

  /** A time-limited URL the client may GET the content from. */
  String presignedGet(String contentKey);
}
