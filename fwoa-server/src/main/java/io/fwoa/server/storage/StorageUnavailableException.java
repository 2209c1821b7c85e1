package io.fwoa.server.storage;

/**
 * DynamoDB did not answer in time, or kept throttling, within the request's deadline: reported
 * as 503 with Retry-After. A transaction it interrupted was rolled back, or is left for recovery;
 * it is never half visible.
 */
public class StorageUnavailableException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** What clients are told to wait before retrying. */
  public static final int RETRY_AFTER_SECONDS = 2;

  public StorageUnavailableException(String message) {
    super(message);
  }

  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
