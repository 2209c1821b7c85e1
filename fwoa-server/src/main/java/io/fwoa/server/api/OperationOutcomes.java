package io.fwoa.server.api;

import io.fwoa.server.fhir.Fhir;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Every error leaves the server as a FHIR OperationOutcome with a matching HTTP status. */
public final class OperationOutcomes {

  private OperationOutcomes() {}

  public static ApiResponse error(int status, IssueType type, String diagnostics) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
    return new ApiResponse(status, Map.of("Content-Type", Fhir.JSON_CONTENT_TYPE), Fhir.toJson(outcome));
  }

  public static ApiResponse notFound(String diagnostics) {
    return error(404, IssueType.NOTFOUND, diagnostics);
  }

  public static ApiResponse notImplemented(String diagnostics) {
    return error(501, IssueType.NOTSUPPORTED, diagnostics);
  }

  public static ApiResponse methodNotAllowed(String diagnostics) {
    return error(405, IssueType.NOTSUPPORTED, diagnostics);
  }
}
