package io.fwoa.server.storage;

/** The version slot a write wanted was taken by another writer, or a transaction holds it. */
public class VersionConflictException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient ResourceKey key;

  public VersionConflictException(ResourceKey key, String message) {
    super(message);
    this.key = key;
  }

  public ResourceKey key() {
    return key;
  }
}
