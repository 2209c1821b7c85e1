package io.fwoa.server.api;

import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A failed interaction with its HTTP status and OperationOutcome issue type. Thrown anywhere in
 * the FHIR layer and turned into an OperationOutcome response by {@link FhirApi}.
 */
public class FhirException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final IssueType issueType;
  private final transient Map<String, String> headers;
  private final String expression;

  public FhirException(int status, IssueType issueType, String message) {
    this(status, issueType, message, Map.of());
  }

  public FhirException(int status, IssueType issueType, String message, Map<String, String> headers) {
    this(status, issueType, message, headers, null);
  }

  private FhirException(int status, IssueType issueType, String message, Map<String, String> headers,
      String expression) {
    super(message);
    this.status = status;
    this.issueType = issueType;
    this.headers = Map.copyOf(headers);
    this.expression = expression;
  }

  public int status() {
    return status;
  }

  public IssueType issueType() {
    return issueType;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The element the problem is in, as a FHIRPath (OperationOutcome.issue.expression), or null. */
  public String expression() {
    return expression;
  }

  public static FhirException badRequest(String message) {
    return new FhirException(400, IssueType.INVALID, message);
  }

  /** A 400 about one element of a resource; the message starts with the element's path. */
  public static FhirException invalidElement(String expression, String message) {
    return new FhirException(400, IssueType.INVALID, expression + ": " + message, Map.of(), expression);
  }

  public static FhirException notSupported(String message) {
    return new FhirException(400, IssueType.NOTSUPPORTED, message);
  }

  public static FhirException unauthorized(String message) {
    return new FhirException(401, IssueType.LOGIN, message, Map.of("WWW-Authenticate", "Bearer"));
  }

  public static FhirException forbidden(String message) {
    return new FhirException(403, IssueType.FORBIDDEN, message);
  }

  public static FhirException notFound(String message) {
    return new FhirException(404, IssueType.NOTFOUND, message);
  }

  public static FhirException methodNotAllowed(String message) {
    return new FhirException(405, IssueType.NOTSUPPORTED, message);
  }

  public static FhirException notAcceptable(String message) {
    return new FhirException(406, IssueType.NOTSUPPORTED, message);
  }

  public static FhirException conflict(String message) {
    return new FhirException(409, IssueType.CONFLICT, message);
  }

  public static FhirException gone(String message) {
    return new FhirException(410, IssueType.DELETED, message);
  }

  public static FhirException preconditionFailed(String message) {
    return new FhirException(412, IssueType.CONFLICT, message);
  }

  public static FhirException tooLarge(String message) {
    return new FhirException(413, IssueType.TOOLONG, message);
  }

  public static FhirException unsupportedMediaType(String message) {
    return new FhirException(415, IssueType.NOTSUPPORTED, message);
  }

  public static FhirException unprocessable(String message) {
    return new FhirException(422, IssueType.PROCESSING, message);
  }

  public static FhirException notImplemented(String message) {
    return new FhirException(501, IssueType.NOTSUPPORTED, message);
  }
}
