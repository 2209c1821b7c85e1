package io.fwoa.server.auth;

/** FHIR interactions as authorization sees them. */
public enum Interaction {
  READ(true),
  VREAD(true),
  HISTORY_INSTANCE(true),
  HISTORY_TYPE(true),
  HISTORY_SYSTEM(true),
  SEARCH(true),
  CREATE(false),
  UPDATE(false),
  PATCH(false),
  DELETE(false),
  TRANSACTION(false),
  BATCH(true);

  private final boolean readOnly;

  Interaction(boolean readOnly) {
    this.readOnly = readOnly;
  }

  /** True when the interaction changes nothing (a batch is checked entry by entry). */
  public boolean readOnly() {
    return readOnly;
  }
}
