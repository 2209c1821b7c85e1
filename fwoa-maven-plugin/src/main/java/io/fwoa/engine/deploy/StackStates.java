package io.fwoa.engine.deploy;

import java.util.Set;

/** CloudFormation stack statuses, grouped by what the engine does about them. */
public final class StackStates {

  /** A stack that can take a change set of type UPDATE. */
  public static final Set<String> UPDATABLE = Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
      "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE");

  /** The first create failed and was rolled back: the stack holds nothing and must be deleted before a new create. */
  public static final Set<String> FAILED_CREATE = Set.of("ROLLBACK_COMPLETE", "ROLLBACK_FAILED");

  /** Where a deployment ends successfully. */
  public static final Set<String> DEPLOYED = Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE");

  public static final String REVIEW_IN_PROGRESS = "REVIEW_IN_PROGRESS";
  public static final String UPDATE_ROLLBACK_FAILED = "UPDATE_ROLLBACK_FAILED";
  public static final String DELETE_COMPLETE = "DELETE_COMPLETE";
  public static final String DELETE_FAILED = "DELETE_FAILED";

  private StackStates() {}

  /** An operation is running; REVIEW_IN_PROGRESS (created by a change set, never executed) is not one. */
  public static boolean inProgress(String status) {
    return status != null && status.endsWith("_IN_PROGRESS") && !REVIEW_IN_PROGRESS.equals(status);
  }

  /** A resource or stack status that reports a failure. */
  public static boolean isFailure(String status) {
    return status != null && status.endsWith("_FAILED");
  }
}
