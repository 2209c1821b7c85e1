package io.fwoa.server.api;

import io.fwoa.server.fhir.Fhir;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Every error leaves the server as a FHIR OperationOutcome with a matching HTTP status. */
public final class OperationOutcomes {

  private OperationOutcomes() {}

  public static OperationOutcome outcome(IssueSeverity severity, IssueType type, String diagnostics) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(diagnostics);
    return outcome;
  }

  public static ApiResponse error(int status, IssueType type, String diagnostics) {
    return error(status, type, diagnostics, Map.of());
  }

  public static ApiResponse error(int status, IssueType type, String diagnostics, Map<String, String> extraHeaders) {
    Map<String, String> headers = new HashMap<>(extraHeaders);
    headers.put("Content-Type", Fhir.JSON_CONTENT_TYPE);
    return new ApiResponse(status, headers, Fhir.toJson(outcome(IssueSeverity.ERROR, type, diagnostics)));
  }

  public static ApiResponse of(FhirException e) {
    if (e.expression() == null) {
      return error(e.status(), e.issueType(), e.getMessage(), e.headers());
    }
    Map<String, String> headers = new HashMap<>(e.headers());
    headers.put("Content-Type", Fhir.JSON_CONTENT_TYPE);
    OperationOutcome outcome = outcome(IssueSeverity.ERROR, e.issueType(), e.getMessage());
    outcome.getIssueFirstRep().addExpression(e.expression());
    return new ApiResponse(e.status(), headers, Fhir.toJson(outcome));
  }
}
