package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Clients;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.UrlType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** create, read, vread, update, delete, patch, conditional operations, headers, Prefer, Binary. */
@ExtendWith(LocalStack.class)
class ResourceInteractionsTest {

  private LocalFhirServer server;
  private IGenericClient client;
  private String token;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    this.server = server;
    this.client = Clients.practitioner(server);
    this.token = server.token("practitioner");
  }

  private static Patient patient(String family) {
    Patient p = new Patient();
    p.addName().setFamily(family).addGiven("Ann");
    p.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    return p;
  }

  @Test
  void createSetsIdVersionAndHeaders() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    HttpResponse<String> r = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        Fhir.toJson(patient("Headers")));

    assertThat(r.statusCode()).isEqualTo(201);
    Patient created = Fhir.jsonParser().parseResource(Patient.class, r.body());
    String id = created.getIdElement().getIdPart();
    assertThat(id).isNotBlank();
    assertThat(created.getMeta().getVersionId()).isEqualTo("1");
    assertThat(created.getMeta().getLastUpdated().toInstant()).isAfterOrEqualTo(before);
    assertThat(r.headers().firstValue("Location")).hasValue(server.baseUrl() + "/Patient/" + id + "/_history/1");
    assertThat(r.headers().firstValue("ETag")).hasValue("W/\"1\"");
    ZonedDateTime lastModified = ZonedDateTime.parse(r.headers().firstValue("Last-Modified").orElseThrow(),
        DateTimeFormatter.RFC_1123_DATE_TIME);
    assertThat(lastModified.toInstant()).isEqualTo(created.getMeta().getLastUpdated().toInstant().truncatedTo(ChronoUnit.SECONDS));
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+json");
  }

  @Test
  void readVreadUpdateAndDeleteKeepEveryVersion() {
    MethodOutcome created = client.create().resource(patient("Versions")).execute();
    IdType id = (IdType) created.getId().toUnqualifiedVersionless();

    Patient v1 = client.read().resource(Patient.class).withId(id).execute();
    v1.getNameFirstRep().setFamily("Versions2");
    MethodOutcome updated = client.update().resource(v1).execute();
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    Patient current = client.read().resource(Patient.class).withId(id).execute();
    assertThat(current.getNameFirstRep().getFamily()).isEqualTo("Versions2");
    assertThat(current.getMeta().getVersionId()).isEqualTo("2");
    Patient old = client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
    assertThat(old.getNameFirstRep().getFamily()).isEqualTo("Versions");

    client.delete().resourceById(id).execute();
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThat(client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "2").execute()
        .getNameFirstRep().getFamily()).isEqualTo("Versions2");
    assertThatThrownBy(() -> client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "9").execute())
        .isInstanceOf(ResourceNotFoundException.class);

    // An update after a delete brings the resource back as a new version.
    old.setId(id.getIdPart());
    MethodOutcome revived = client.update().resource(old).execute();
    assertThat(revived.getId().getVersionIdPart()).isEqualTo("4");
    assertThat(revived.getCreated()).isTrue();
  }

  @Test
  void unknownResourceIs404() {
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId("never-" + UUID.randomUUID()).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    HttpResponse<String> r = Http.send("DELETE", server.baseUrl() + "/Patient/nobody-here", token, null, null);
    assertThat(r.statusCode()).isEqualTo(404);
  }

  @Test
  void updateCreatesWithClientIdAndIfMatchGuardsVersions() {
    String id = "client-" + UUID.randomUUID().toString().substring(0, 8);
    Patient p = patient("IfMatch");
    p.setId(id);
    MethodOutcome created = client.update().resource(p).execute();
    assertThat(created.getCreated()).isTrue();
    assertThat(created.getId().getVersionIdPart()).isEqualTo("1");

    p.setActive(true);
    MethodOutcome ok = client.update().resource(p).withId(new IdType("Patient", id, "1")).execute();
    assertThat(ok.getId().getVersionIdPart()).isEqualTo("2");

    p.setActive(false);
    HttpResponse<String> stale = Http.send("PUT", server.baseUrl() + "/Patient/" + id, token,
        "application/fhir+json", Fhir.toJson(p), Map.of("If-Match", "W/\"1\""));
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(outcome(stale).getIssueFirstRep().getDiagnostics()).contains("does not match");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getActive()).isTrue();

    HttpResponse<String> staleDelete = Http.send("DELETE", server.baseUrl() + "/Patient/" + id, token, null, null,
        Map.of("If-Match", "W/\"1\""));
    assertThat(staleDelete.statusCode()).isEqualTo(412);
  }

  @Test
  void preferDecidesTheResponseBody() {
    String body = Fhir.toJson(patient("Prefer"));
    HttpResponse<String> minimal = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        body, Map.of("Prefer", "return=minimal"));
    assertThat(minimal.statusCode()).isEqualTo(201);
    assertThat(minimal.body()).isEmpty();
    assertThat(minimal.headers().firstValue("Location")).isPresent();

    HttpResponse<String> oo = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        body, Map.of("Prefer", "return=OperationOutcome"));
    assertThat(outcome(oo).getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);

    HttpResponse<String> full = Http.send("POST", server.baseUrl() + "/Patient", token, "application/fhir+json",
        body, Map.of("Prefer", "return=representation"));
    assertThat(Fhir.jsonParser().parseResource(Patient.class, full.body()).getNameFirstRep().getFamily())
        .isEqualTo("Prefer");

    MethodOutcome viaClient = client.create().resource(patient("Prefer")).prefer(PreferReturnEnum.REPRESENTATION)
        .execute();
    assertThat(((Patient) viaClient.getResource()).getNameFirstRep().getFamily()).isEqualTo("Prefer");
  }

  @Test
  void conditionalCreateUpdateAndDeleteUseIdentifier() {
    String system = "urn:fwoa:test:" + UUID.randomUUID();
    Patient p = patient("Conditional");
    p.addIdentifier().setSystem(system).setValue("42");

    MethodOutcome first = client.create().resource(p).conditional()
        .where(Patient.IDENTIFIER.exactly().systemAndCode(system, "42")).execute();
    assertThat(first.getCreated()).isTrue();
    MethodOutcome second = client.create().resource(p).conditional()
        .where(Patient.IDENTIFIER.exactly().systemAndCode(system, "42")).execute();
    assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());

    Patient changed = patient("Conditional2");
    changed.addIdentifier().setSystem(system).setValue("42");
    MethodOutcome updated = client.update().resource(changed).conditional()
        .where(Patient.IDENTIFIER.exactly().systemAndCode(system, "42")).execute();
    assertThat(updated.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    Patient other = patient("Conditional3");
    other.addIdentifier().setSystem(system).setValue("43");
    MethodOutcome createdByUpdate = client.update().resource(other).conditional()
        .where(Patient.IDENTIFIER.exactly().systemAndCode(system, "43")).execute();
    assertThat(createdByUpdate.getCreated()).isTrue();

    // Two matches: a conditional create cannot decide.
    Patient dup = patient("Dup");
    dup.addIdentifier().setSystem(system).setValue("42");
    String dupId = client.create().resource(dup).execute().getId().getIdPart();
    assertThatThrownBy(() -> client.create().resource(dup).conditional()
        .where(Patient.IDENTIFIER.exactly().systemAndCode(system, "42")).execute())
        .isInstanceOf(PreconditionFailedException.class);

    client.delete().resourceConditionalByUrl("Patient?identifier=" + system + "|43").execute();
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(createdByUpdate.getId().getIdPart())
        .execute()).isInstanceOf(ResourceGoneException.class);

    HttpResponse<String> byId = Http.send("DELETE", server.baseUrl() + "/Patient?_id="
        + first.getId().getIdPart(), token, null, null);
    assertThat(byId.statusCode()).isEqualTo(204);

    // With search, any search parameter works as a condition; an unknown one is an error.
    HttpResponse<String> byName = Http.send("DELETE", server.baseUrl() + "/Patient?name:exact=Dup&identifier="
        + system + "%7C42", token, null, null);
    assertThat(byName.statusCode()).isEqualTo(204);
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(dupId).execute())
        .isInstanceOf(ResourceGoneException.class);
    HttpResponse<String> unsupported = Http.send("DELETE", server.baseUrl() + "/Patient?nickname=Dup", token, null,
        null);
    assertThat(unsupported.statusCode()).isEqualTo(400);
    assertThat(outcome(unsupported).getIssueFirstRep().getDiagnostics()).contains("nickname");
  }

  @Test
  void jsonPatchChangesTheResourceOrFailsWholly() {
    MethodOutcome created = client.create().resource(patient("Patchy")).execute();
    String id = created.getId().getIdPart();
    String patch = "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Patched\"},"
        + "{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]";

    MethodOutcome patched = client.patch().withBody(patch).withId("Patient/" + id).execute();
    assertThat(patched.getId().getVersionIdPart()).isEqualTo("2");
    Patient read = client.read().resource(Patient.class).withId(id).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Patched");
    assertThat(read.getActive()).isTrue();

    String failingTest = "[{\"op\":\"test\",\"path\":\"/name/0/family\",\"value\":\"Other\"},"
        + "{\"op\":\"remove\",\"path\":\"/active\"}]";
    assertThatThrownBy(() -> client.patch().withBody(failingTest).withId("Patient/" + id).execute())
        .isInstanceOf(UnprocessableEntityException.class);
    assertThat(client.read().resource(Patient.class).withId(id).execute().getMeta().getVersionId()).isEqualTo("2");

    HttpResponse<String> stale = Http.send("PATCH", server.baseUrl() + "/Patient/" + id, token,
        "application/json-patch+json", patch, Map.of("If-Match", "W/\"1\""));
    assertThat(stale.statusCode()).isEqualTo(412);
    HttpResponse<String> invalid = Http.send("PATCH", server.baseUrl() + "/Patient/" + id, token,
        "application/json-patch+json", "{\"op\":\"add\"}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    HttpResponse<String> badResult = Http.send("PATCH", server.baseUrl() + "/Patient/" + id, token,
        "application/json-patch+json", "[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"robot\"}]");
    assertThat(badResult.statusCode()).isEqualTo(422);
  }

  @Test
  void binaryContentGoesToS3AndComesBack() throws Exception {
    byte[] content = "%PDF-1.4 fwoa binary test".getBytes(StandardCharsets.UTF_8);
    Binary binary = new Binary();
    binary.setContentType("application/pdf");
    binary.setData(content);
    MethodOutcome created = client.create().resource(binary).execute();

    Binary read = client.read().resource(Binary.class).withId(created.getId().getIdPart()).execute();
    assertThat(read.getData()).isEqualTo(content);
    String getUrl = ((UrlType) read.getMeta().getExtensionByUrl(
        "http://fwoa.io/fhir/StructureDefinition/binary-presigned-get-url").getValue()).getValue();
    assertThat(Http.send("GET", getUrl, null, null, null).body()).isEqualTo(new String(content, StandardCharsets.UTF_8));

    // Without data the response says where to upload it.
    Binary empty = new Binary();
    empty.setContentType("text/plain");
    HttpResponse<String> r = Http.send("POST", server.baseUrl() + "/Binary", token, "application/fhir+json",
        Fhir.toJson(empty));
    Binary withUrl = Fhir.jsonParser().parseResource(Binary.class, r.body());
    String putUrl = ((UrlType) withUrl.getMeta().getExtensionByUrl(
        "http://fwoa.io/fhir/StructureDefinition/binary-presigned-put-url").getValue()).getValue();
    assertThat(Http.send("PUT", putUrl, null, "text/plain", "uploaded later").statusCode()).isEqualTo(200);
    Binary later = client.read().resource(Binary.class).withId(withUrl.getIdElement().getIdPart()).execute();
    assertThat(new String(later.getData(), StandardCharsets.UTF_8)).isEqualTo("uploaded later");
  }

  private static OperationOutcome outcome(HttpResponse<String> r) {
    return Fhir.jsonParser().parseResource(OperationOutcome.class, r.body());
  }
}
