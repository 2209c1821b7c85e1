package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.fhir.JsonCheck;
import io.fwoa.server.storage.StoredVersion;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored versions are served only if they pass the same {@link JsonCheck} as request bodies: a
 * document written before a rule existed, damaged in the table, or written around the API must
 * never reach a client (or a bundle) that cannot read it. Such a version is refused on its own
 * with a 409 that says what is wrong and how to repair it (PUT a new version or DELETE it); in
 * history, search and batch bundles its entry says so and the other entries are served.
 */
public final class StoredJson {

  private static final Logger LOG = LoggerFactory.getLogger(StoredJson.class);

  private StoredJson() {}

  /**
   * The version's JSON, checked.
   *
   * @throws FhirException 409 when it cannot be served
   */
  public static String checked(StoredVersion v) {
    String json = v.json();
    JsonCheck.Problem problem = json == null ? null : JsonCheck.check(json, v.key().type());
    if (problem != null) {
      throw unreadable(v, problem.toString());
    }
    return json;
  }

  /**
   * The JSON served for a stored version, parsed for a bundle entry.
   *
   * @throws FhirException 409 when HAPI cannot parse it (possible only for a document written
   *     around the API)
   */
  static Resource parse(StoredVersion v, String json) {
    try {
      return (Resource) Fhir.jsonParser().parseResource(json);
    } catch (RuntimeException | StackOverflowError e) {
      throw unreadable(v, e.toString());
    }
  }

  /** The failure to serve a stored version (logged: it needs an operator or a client's repair). */
  public static FhirException unreadable(StoredVersion v, String why) {
    LOG.warn("Version {} of {} (tenant {}) cannot be served: {}", v.versionId(), v.key().reference(),
        v.key().tenant(), why);
    return new FhirException(409, IssueType.PROCESSING, "Version " + v.versionId() + " of " + v.key().reference()
        + " is stored in a form that cannot be served (" + why + "). Replace it with a PUT of a corrected "
        + "resource, or DELETE it; other versions can still be read with vread.");
  }
}
