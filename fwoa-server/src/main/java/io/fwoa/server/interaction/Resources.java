package io.fwoa.server.interaction;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.fhir.JsonCheck;
import io.fwoa.server.fhir.ParsedResources;
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
   * Parses a FHIR JSON body: the one place every resource a client sends is read (single writes,
   * conditional updates, batch and transaction bundles with their entries, PATCH results). The
   * body first passes {@link JsonCheck} (nesting, numbers, nulls, JSON types, duplicate keys),
   * then HAPI's strict parser; whatever either finds, and however HAPI fails, the client gets a
   * 400.
   *
   * @param expectedType the type the URL names, or null for any
   * @throws FhirException 400 for an empty body, malformed JSON or FHIR, or a resourceType that is
   *     not the URL's
   */
  public static Resource parse(String body, String expectedType) {
    if (body == null || body.isBlank()) {
      throw FhirException.badRequest("The request has no body: send a FHIR JSON resource");
    }
    JsonCheck.Problem problem = JsonCheck.check(body, expectedType);
    if (problem != null) {
      throw FhirException.invalidElement(problem.expression(), problem.message());
    }
    IBaseResource parsed;
    try {
      parsed = Fhir.strictJsonParser().parseResource(body);
    } catch (DataFormatException e) {
      throw FhirException.badRequest("The body is not a valid FHIR R4 JSON resource: " + e.getMessage());
    } catch (RuntimeException e) {
      // HAPI's parser has failed on input it does not expect (an NPE, a ClassCastException...):
      // still the body's fault, and never a reason for a 500.
      throw FhirException.badRequest("The body is not a valid FHIR R4 JSON resource (the parser failed: " + e
          + ")");
    } catch (StackOverflowError e) {
      throw FhirException.badRequest("The body is not a valid FHIR R4 JSON resource: it is nested too deeply");
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

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
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

  /**
   * Sets the id, meta.versionId and meta.lastUpdated the server owns, and encodes the resource.
   * The encoding is checked like a request body: what is stored can always be served.
   */
  public static String stamp(Resource resource, ResourceKey key, long versionId, Instant lastUpdated) {
    resource.setIdElement(new IdType(key.type(), key.id()));
    resource.getMeta().setVersionId(Long.toString(versionId));
    resource.getMeta().setLastUpdatedElement(
        new InstantType(Date.from(lastUpdated), TemporalPrecisionEnum.MILLI, UTC));
    String json = Fhir.toJson(resource);
    JsonCheck.Problem problem = JsonCheck.check(json, key.type());
    if (problem != null) {
      throw FhirException.invalidElement(problem.expression(), "as it would be stored, " + problem.message());
    }
    ParsedResources.remember(json, resource);
    return json;
  }
}
