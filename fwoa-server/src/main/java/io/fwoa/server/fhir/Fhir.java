package io.fwoa.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** The process-wide FHIR R4 context: expensive to build, so built once and shared. */
public final class Fhir {

  /** The only FHIR version fwoa serves. */
  public static final String FHIR_VERSION = "4.0.1";

  public static final String JSON_CONTENT_TYPE = "application/fhir+json; charset=utf-8";

  private static final FhirContext CONTEXT = FhirContext.forR4Cached();

  static {
    // Unknown elements, wrong JSON types and invalid primitive values are client errors (400),
    // not data to drop silently.
    CONTEXT.setParserErrorHandler(new StrictErrorHandler());
  }

  private Fhir() {}

  public static FhirContext context() {
    return CONTEXT;
  }

  /** Parsers are cheap but not thread-safe; take a fresh one per use. */
  public static IParser jsonParser() {
    return CONTEXT.newJsonParser();
  }

  public static String toJson(IBaseResource resource) {
    return jsonParser().encodeResourceToString(resource);
  }
}
