package io.fwoa.server.interaction;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.storage.ResourceKey;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/** Parsing request bodies and stamping server-owned metadata. */
public final class Resources {

  /** FHIR's id syntax. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private Resources() {}

  /**
   * Parses a FHIR JSON body.
   *
   * @param expectedType the type the URL names, or null for any
   * @throws FhirException 400 for an empty body, malformed JSON or FHIR, or a resourceType that is
   *     not the URL's
   */
  public static Resource parse(String body, String expectedType) {
    if (body == null || body.isBlank()) {
      throw FhirException.badRequest("The request has no body: send a FHIR JSON resource");
    }
    IBaseResource parsed;
    try {
      parsed = Fhir.strictJsonParser().parseResource(body);
    } catch (DataFormatException | IllegalArgumentException | ClassCastException e) {
      throw FhirException.badRequest("The body is not a valid FHIR R4 JSON resource: " + e.getMessage());
    }
    if (!(parsed instanceof Resource resource)) {
      throw FhirException.badRequest("The body is not a FHIR R4 resource");
    }
    String type = resource.fhirType();
    if (expectedType != null && !expectedType.equals(type)) {
      throw FhirException.badRequest("The body's resourceType '" + type + "' does not match the URL's type '"
          + expectedType + "'");
    }
    return resource;
  }

  public static void checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw FhirException.badRequest("Invalid resource id '" + id + "': ids are 1-64 characters of A-Z a-z 0-9 - .");
    }
  }

  /** The logical id in the body, or null. */
  public static String bodyId(Resource resource) {
    return resource.hasIdElement() && resource.getIdElement().hasIdPart() ? resource.getIdElement().getIdPart() : null;
  }

  /** Sets the id, meta.versionId and meta.lastUpdated the server owns, and encodes the resource. */
  public static String stamp(Resource resource, ResourceKey key, long versionId, Instant lastUpdated) {
    resource.setIdElement(new IdType(key.type(), key.id()));
    resource.getMeta().setVersionId(Long.toString(versionId));
    resource.getMeta().setLastUpdatedElement(
        new InstantType(Date.from(lastUpdated), TemporalPrecisionEnum.MILLI, UTC));
    return Fhir.toJson(resource);
  }
}
