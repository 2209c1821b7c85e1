package io.fwoa.server.storage;

/** A document that storage cannot hold (too large for an item, and no overflow store). */
public class DocumentTooLargeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DocumentTooLargeException(String message) {
    super(message);
  }
}
