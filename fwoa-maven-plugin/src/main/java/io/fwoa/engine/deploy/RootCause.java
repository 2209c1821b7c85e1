package io.fwoa.engine.deploy;

/**
 * A resource event that explains a failed stack operation.
 *
 * @param status resource status, for example CREATE_FAILED
 * @param resourceType CloudFormation type
 * @param logicalId logical id in the template
 * @param displayName construct path, or the logical id
 * @param reason CloudFormation's reason text
 * @param duringRollback the failure happened while rolling back (the resource to fix or skip for
 *     continue-update-rollback)
 */
public record RootCause(String status, String resourceType, String logicalId, String displayName, String reason,
    boolean duringRollback) {

  @Override
  public String toString() {
    String name = displayName.equals(logicalId) ? logicalId : displayName + " [" + logicalId + "]";
    return status + " " + resourceType + " " + name + (duringRollback ? " (while rolling back)" : "") + ": " + reason;
  }
}
