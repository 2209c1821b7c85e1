package io.fwoa.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** The process-wide FHIR R4 context: expensive to build, so built once and shared. */
public final class Fhir {

  /** The only FHIR version fwoa serves. */
  public static final String FHIR_VERSION = "4.0.1";

  public static final String JSON_CONTENT_TYPE = "application/fhir+json; charset=utf-8";

  private static final FhirContext CONTEXT = FhirContext.forR4Cached();

  static {
    // Encoding our own (already accepted) resources must never fail on a detail HAPI frowns upon.
    CONTEXT.setParserErrorHandler(new LenientErrorHandler(false));
    // Store what the client sent: no versions stripped from references, no resources moved into
    // "contained" because the parser linked a reference to them (e.g. inside a stored Bundle).
    CONTEXT.getParserOptions().setStripVersionsFromReferences(false);
    CONTEXT.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
  }

  private Fhir() {}

  public static FhirContext context() {
    return CONTEXT;
  }

  /**
   * The parser for request bodies: unknown elements, wrong JSON types and invalid primitive values
   * are client errors (400), not data to drop silently.
   */
  public static IParser strictJsonParser() {
    return CONTEXT.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
  }

  /** Parsers are cheap but not thread-safe; take a fresh one per use. */
  public static IParser jsonParser() {
    return CONTEXT.newJsonParser();
  }

  public static String toJson(IBaseResource resource) {
    return jsonParser().encodeResourceToString(resource);
  }
}
