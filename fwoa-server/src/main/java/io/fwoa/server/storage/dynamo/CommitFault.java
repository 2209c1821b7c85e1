package io.fwoa.server.storage.dynamo;

/**
 * A hook called between the steps of the transaction protocol. Production uses {@link #NONE};
 * crash tests throw from a chosen step to leave a half-done transaction behind, exactly as a
 * process that dies there would.
 */
@FunctionalInterface
public interface CommitFault {

  CommitFault NONE = (step, index) -> {};

  /** The protocol steps at which a writer can die. */
  enum Step {
    /** After the transaction record is written, before anything is staged. */
    RECORDED,
    /** After staging the index-th version (0-based). */
    STAGED,
    /** After the transaction record says COMMITTED, before any version is published. */
    COMMITTED,
    /** After publishing the index-th version (0-based). */
    PUBLISHED
  }

  void at(Step step, int index);
}
