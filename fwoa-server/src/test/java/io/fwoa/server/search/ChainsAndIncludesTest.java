package io.fwoa.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Chained parameters, reverse chains (_has), _include and _revinclude (with :iterate), and the
 * permissions they need. Two organizations, three patients, observations and an encounter:
 *
 * <pre>
 *   OrgA "Acme Clinic"   ← PA "Alpha" (generalPractitioner → DrX)   ← OA1 (8480-6), OA2 (2339-0), EA
 *   OrgB "Beta Hospital" ← PB "Beta"                                ← OB1 (8480-6)
 *                          PC "Gamma" (no organization, no observations)
 * </pre>
 */
@ExtendWith(LocalStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainsAndIncludesTest {

  private SearchClient search;
  private LocalFhirServer server;

  @BeforeAll
  void data(LocalFhirServer server) {
    this.server = server;
    search = new SearchClient(server, "practitioner");
    String orgA = search.create("OrgA", """
        {"resourceType":"Organization","name":"Acme Clinic"}""");
    String orgB = search.create("OrgB", """
        {"resourceType":"Organization","name":"Beta Hospital"}""");
    String drX = search.create("DrX", """
        {"resourceType":"Practitioner","name":[{"family":"Xavier"}]}""");
    String pa = search.create("PA", """
        {"resourceType":"Patient","name":[{"family":"Alpha"}],"managingOrganization":{"reference":"Organization/%s"},
         "generalPractitioner":[{"reference":"Practitioner/%s"}]}""".formatted(orgA, drX));
    String pb = search.create("PB", """
        {"resourceType":"Patient","name":[{"family":"Beta"}],"managingOrganization":{"reference":"Organization/%s"}}"""
        .formatted(orgB));
    search.create("PC", """
        {"resourceType":"Patient","name":[{"family":"Gamma"}]}""");
    String ea = search.create("EA", """
        {"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/%s"}}"""
        .formatted(pa));
    search.create("OA1", obs(pa, "8480-6", ea));
    search.create("OA2", obs(pa, "2339-0", null));
    search.create("OB1", obs(pb, "8480-6", null));
  }

  private static String obs(String patient, String code, String encounter) {
    return """
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},
         "subject":{"reference":"Patient/%s"}%s}""".formatted(code, patient,
        encounter == null ? "" : ",\"encounter\":{\"reference\":\"Encounter/" + encounter + "\"}");
  }

  private void check(String path, String query, String expected) {
    String[] labels = expected.isBlank() ? new String[0] : expected.trim().split("\\s+");
    assertThat(search.matches(path, query)).as(path + "?" + query).containsExactlyInAnyOrder(labels);
  }

  @Test
  void chainedParameters() {
    check("/Observation", "subject:Patient.name=alpha", "OA1 OA2");
    check("/Observation", "patient.name=beta", "OB1");
    check("/Observation", "subject:Patient.organization.name=acme", "OA1 OA2");
    check("/Observation", "subject:Patient.organization.name=beta&code=8480-6", "OB1");
    check("/Observation", "subject:Patient.name=gamma", "");
    check("/Patient", "organization.name=acme,beta", "PA PB");
    check("/Encounter", "subject:Patient.general-practitioner.name=xavier", "EA");
  }

  @Test
  void reverseChains() {
    check("/Patient", "_has:Observation:patient:code=8480-6", "PA PB");
    check("/Patient", "_has:Observation:patient:code=2339-0", "PA");
    check("/Patient", "_has:Observation:patient:code=9999-9", "");
    check("/Organization", "_has:Patient:organization:_has:Observation:patient:code=2339-0", "OrgA");
    check("/Patient", "_has:Observation:patient:code=8480-6&name=beta", "PB");
    check("/Patient", "_has:Observation:subject:encounter.status=finished", "PA");
  }

  @Test
  void includesAndRevIncludes() {
    JsonNode b = bundle("/Observation", "code=2339-0&_include=Observation:subject");
    assertThat(entries(b, "match")).containsExactly("OA2");
    assertThat(entries(b, "include")).containsExactly("PA");

    // Not iterated: the patient's organization is not included.
    b = bundle("/Observation", "code=8480-6&_include=Observation:patient&_include=Patient:organization");
    assertThat(entries(b, "match")).containsExactlyInAnyOrder("OA1", "OB1");
    assertThat(entries(b, "include")).containsExactlyInAnyOrder("PA", "PB");

    b = bundle("/Observation", "code=8480-6&_include=Observation:patient&_include:iterate=Patient:organization");
    assertThat(entries(b, "include")).containsExactlyInAnyOrder("PA", "PB", "OrgA", "OrgB");

    b = bundle("/Patient", "name=alpha&_revinclude=Observation:subject");
    assertThat(entries(b, "match")).containsExactly("PA");
    assertThat(entries(b, "include")).containsExactlyInAnyOrder("OA1", "OA2");

    b = bundle("/Organization", "name=acme&_revinclude=Patient:organization"
        + "&_revinclude:iterate=Observation:patient&_include:iterate=Observation:encounter");
    assertThat(entries(b, "match")).containsExactly("OrgA");
    assertThat(entries(b, "include")).containsExactlyInAnyOrder("PA", "OA1", "OA2", "EA");

    b = bundle("/Patient", "name=alpha&_include=*");
    assertThat(entries(b, "include")).containsExactlyInAnyOrder("OrgA", "DrX");

    b = bundle("/Patient", "name=alpha&_include=Patient:general-practitioner:Organization");
    assertThat(entries(b, "include")).isEmpty();
  }

  @Test
  void joinsNeedPermissionOnEveryTypeTheyRead() {
    // Auditors may read Patient, not Observation: neither a chain nor an include may reveal them.
    SearchClient auditor = new SearchClient(server, "auditor");
    assertThat(Map.of(
        "_has:Observation:patient:code=8480-6", auditor.get("/Patient", "_has:Observation:patient:code=8480-6",
            Map.of()).statusCode(),
        "_revinclude", auditor.get("/Patient", "_revinclude=Observation:subject", Map.of()).statusCode(),
        "own type", auditor.get("/Patient", "name=alpha", Map.of()).statusCode()))
        .containsEntry("_has:Observation:patient:code=8480-6", 403)
        .containsEntry("_revinclude", 403)
        .containsEntry("own type", 200);
    assertThat(auditor.get("/Observation", "code=8480-6", Map.of()).statusCode()).isEqualTo(403);
  }

  private JsonNode bundle(String path, String query) {
    return SearchClient.bundle(search.get(path, query, Map.of()));
  }

  private List<String> entries(JsonNode bundle, String mode) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : bundle.path("entry")) {
      if (mode.equals(e.path("search").path("mode").asText())) {
        out.add(search.label(e.path("resource").path("id").asText()));
      }
    }
    return out;
  }
}
