package io.fwoa.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every parameter type with its modifiers and prefixes, over HTTP against the local stack
 * (dynalite + the embedded OpenSearch node, indexed through the stream handler). The data below
 * is small and fixed; each expected result is worked out by hand from it (the labels in the
 * tables), never from the server's code.
 */
@ExtendWith(LocalStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchParameterTypesTest {

  private SearchClient search;
  private Instant before;

  @BeforeAll
  void data(LocalFhirServer server) {
    search = new SearchClient(server, "practitioner");
    before = Instant.now().minus(1, ChronoUnit.SECONDS);
    // Patients: names with accents, tokens, dates of different precision, narrative.
    search.create("P1", """
        {"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Anna is a chess champion</div>"},
         "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:sys:a","value":"111"}],
         "active":true,"name":[{"family":"Müller","given":["Anna"]}],"telecom":[{"system":"email","value":"anna@example.org"}],
         "gender":"female","birthDate":"1950-03-04","address":[{"city":"Zürich"}]}""");
    search.create("P2", """
        {"resourceType":"Patient","identifier":[{"system":"urn:sys:b","value":"222"}],"active":false,
         "name":[{"family":"Mueller","given":["Bert"]}],"gender":"male","birthDate":"1950-11-30"}""");
    search.create("P3", """
        {"resourceType":"Patient","identifier":[{"system":"urn:sys:a","value":"333"}],
         "name":[{"family":"Smith","given":["Anna Maria"]}],"gender":"female","birthDate":"1985-07-15"}""");
    search.create("P4", """
        {"resourceType":"Patient","name":[{"family":"Smithson","given":["Carl"]}],"gender":"other",
         "deceasedDateTime":"2020-01-01T10:00:00Z"}""");
    String p1 = search.id("P1");
    String p2 = search.id("P2");
    String p3 = search.id("P3");
    // Observations: codes, quantities in different units, components, dates as instants and periods.
    search.create("O1", """
        {"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"8480-6","display":"Systolic blood pressure"}]},
         "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2020-01-02T10:00:00Z",
         "valueQuantity":{"value":120,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}""".formatted(p1));
    search.create("O2", """
        {"resourceType":"Observation","status":"preliminary",
         "code":{"coding":[{"system":"http://loinc.org","code":"8462-4","display":"Diastolic blood pressure"}]},
         "subject":{"reference":"Patient/%s"},"effectivePeriod":{"start":"2020-01-01","end":"2020-01-31"},
         "valueQuantity":{"value":80,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}""".formatted(p2));
    search.create("O3", """
        {"resourceType":"Observation","status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"2339-0","display":"Glucose"}]},
         "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2021-06",
         "valueQuantity":{"value":0.0054,"unit":"g","system":"http://unitsofmeasure.org","code":"g"}}""".formatted(p3));
    search.create("O4", """
        {"resourceType":"Observation","status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"85354-9","display":"Blood pressure panel"}]},
         "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2019-12-31T23:00:00Z",
         "component":[
           {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":130,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
           {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":85,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}""".formatted(p1));
    search.create("O5", """
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:local","code":"X-1"}]},
         "subject":{"reference":"Patient/%s"},"performer":[{"identifier":{"system":"urn:npi","value":"999"}}],
         "valueString":"positive"}""".formatted(search.id("P4")));
    // The seed's complaint: codes that share words must match exactly, not as text.
    search.create("O6", """
        {"resourceType":"Observation","status":"final","effectiveDateTime":"2022-05-05",
         "code":{"coding":[{"system":"urn:local","code":"Blood Pressure","display":"Blood Pressure"}]}}""");
    search.create("O7", """
        {"resourceType":"Observation","status":"final","effectiveDateTime":"2022-05-05",
         "code":{"coding":[{"system":"urn:local","code":"Blood Pressure Systolic","display":"Blood Pressure Systolic"}]}}""");
    // Numbers and URIs.
    search.create("R1", """
        {"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/%s"},
         "prediction":[{"probabilityDecimal":0.15}]}""".formatted(p1));
    search.create("R2", """
        {"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/%s"},
         "prediction":[{"probabilityDecimal":0.5}]}""".formatted(p2));
    search.create("V1", """
        {"resourceType":"ValueSet","status":"active","url":"http://example.org/fhir/ValueSet/alpha"}""");
    search.create("V2", """
        {"resourceType":"ValueSet","status":"active","url":"http://example.org/fhir/other/beta"}""");
  }

  private void check(String path, String query, String expected) {
    String[] labels = expected.isBlank() ? new String[0] : expected.trim().split("\\s+");
    assertThat(search.matches(path, query)).as(path + "?" + query).containsExactlyInAnyOrder(labels);
  }

  @ParameterizedTest(name = "string: Patient?{0} → {1}")
  @CsvSource(delimiter = ';', value = {
      "name=mull;             P1",     // prefix, accent- and case-insensitive (Müller)
      "name=MÜLLER;           P1",
      "name=mue;              P2",
      "family=smith;          P3 P4",
      "name=anna;             P1 P3",
      "name:exact=Müller;     P1",
      "name:exact=müller;     ''",     // exact is case- and accent-sensitive
      "name:exact=Anna Maria; P3",
      "name:contains=ith;     P3 P4",
      "name:contains=ll;      P1 P2",  // shorter than a trigram
      "address-city=zurich;   P1",
      "name=smith,mueller;    P2 P3 P4", // OR
      "name=anna&gender=female;   P1 P3", // AND
      "name=anna&name=smith;      P3",
      "_text=chess;           P1",
      "_content=champion;     ''",     // _content covers data, not the narrative
  })
  void strings(String query, String expected) {
    check("/Patient", query, expected);
  }

  @ParameterizedTest(name = "token: {0}?{1} → {2}")
  @CsvSource(delimiter = ';', value = {
      "/Patient;     gender=female;                 P1 P3",
      "/Patient;     gender=http://hl7.org/fhir/administrative-gender|female; P1 P3",
      "/Patient;     gender:not=female;             P2 P4",
      "/Patient;     identifier=111;                P1",
      "/Patient;     identifier=urn:sys:a|111;      P1",
      "/Patient;     identifier=urn:sys:b|111;      ''",
      "/Patient;     identifier=urn:sys:a|;         P1 P3",
      "/Patient;     identifier=|111;               ''",
      "/Patient;     identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|111; P1",
      "/Patient;     active=true;                   P1",
      "/Patient;     active=false;                  P2",
      "/Patient;     email=anna@example.org;        P1",
      "/Patient;     _id=%P1,%P2;                   P1 P2",
      "/Observation; code=8480-6;                   O1",
      "/Observation; code=http://loinc.org|8480-6,http://loinc.org|8462-4; O1 O2",
      "/Observation; combo-code=8480-6;             O1 O4",
      "/Observation; category=vital-signs;          O1",
      "/Observation; status:not=final;              O2",
      "/Observation; code:text=blood pressure;      O1 O2 O4 O6 O7",
  })
  void tokens(String path, String query, String expected) {
    check(path, resolveIds(query), expected);
  }

  /** FWoA's search-es matched such codes as text, so the first query also found O7. */
  @Test
  void displayTokensAreMatchedExactlyNotAsText() {
    check("/Observation", "code=urn:local|Blood Pressure", "O6");
    check("/Observation", "code=Blood Pressure", "O6");
    check("/Observation", "code=Blood", "");
    check("/Observation", "code=Systolic blood pressure", ""); // a display is not a code
    check("/Observation", "code:text=Systolic", "O1 O7");
    check("/Observation", "value-string:exact=positive", "O5");
    check("/Observation", "value-string:exact=Positive", "");
  }

  @ParameterizedTest(name = "date: {0}?{1} → {2}")
  @CsvSource(delimiter = ';', value = {
      "/Patient;     birthdate=1950;             P1 P2",
      "/Patient;     birthdate=1950-03;          P1",
      "/Patient;     birthdate=1950-03-04;       P1",
      "/Patient;     birthdate=eq1950-03-04;     P1",
      "/Patient;     birthdate=gt1950-06-01;     P2 P3",
      "/Patient;     birthdate=lt1950-06-01;     P1",
      "/Patient;     birthdate=ge1950-11-30;     P2 P3",
      "/Patient;     birthdate=le1950-03-04;     P1",
      "/Patient;     birthdate=ne1950;           P3",
      "/Patient;     birthdate=sa1950-12-31;     P3",
      "/Patient;     birthdate=eb1950-12-31;     P1 P2",
      "/Patient;     birthdate=ap1985-07-10;     P3",
      "/Patient;     birthdate=ge1950&birthdate=lt1951; P1 P2",
      "/Patient;     death-date=2020-01-01T10:00:00Z; P4",
      "/Patient;     death-date=2020-01-01T11:00:00+01:00; P4",
      "/Patient;     birthdate:missing=true;     P4",
      "/Patient;     birthdate:missing=false;    P1 P2 P3",
      "/Observation; date=2020-01-02;            O1",
      "/Observation; date=2020-01;               O1 O2",
      "/Observation; date=ge2020-01-15;          O2 O3 O6 O7",
      "/Observation; date=lt2020-01-01;          O4",
      "/Observation; date=sa2020-01-31;          O3 O6 O7",
      "/Observation; date:missing=true;          O5",
  })
  void dates(String path, String query, String expected) {
    check(path, query, expected);
  }

  @Test
  void lastUpdated() {
    check("/Patient", "_lastUpdated=ge" + before, "P1 P2 P3 P4");
    check("/Patient", "_lastUpdated=lt" + before, "");
  }

  @ParameterizedTest(name = "number/quantity: {0}?{1} → {2}")
  @CsvSource(delimiter = ';', value = {
      "/RiskAssessment; probability=0.15;         R1",
      "/RiskAssessment; probability=0.5;          R2",
      "/RiskAssessment; probability=0.3;          ''",
      "/RiskAssessment; probability=0.2;          R1",  // 0.2 stands for [0.15, 0.25)
      "/RiskAssessment; probability=gt0.2;        R2",
      "/RiskAssessment; probability=lt0.5;        R1",
      "/RiskAssessment; probability=ge0.15;       R1 R2",
      "/RiskAssessment; probability=le0.15;       R1",
      "/RiskAssessment; probability=ne0.5;        R1",
      "/RiskAssessment; probability=ap0.52;       R2",
      "/Observation; value-quantity=120;          O1",
      "/Observation; value-quantity=gt100|http://unitsofmeasure.org|mm[Hg]; O1",
      "/Observation; value-quantity=lt100;        O2 O3",
      "/Observation; value-quantity=80||mm[Hg];   O2",
      "/Observation; value-quantity=80||mmHg;     O2",
      "/Observation; value-quantity=80|urn:other|mm[Hg]; ''",
      "/Observation; value-quantity=ap125;        O1",
      "/Observation; value-quantity=5.4|http://unitsofmeasure.org|mg; O3",
      "/Observation; value-quantity=gt5|http://unitsofmeasure.org|mg; O3",
      "/Observation; value-quantity=lt5|http://unitsofmeasure.org|mg; ''",
      "/Observation; component-value-quantity=gt125; O4",
  })
  void numbersAndQuantities(String path, String query, String expected) {
    check(path, query, expected);
  }

  @Test
  void composites() {
    check("/Observation", "code-value-quantity=http://loinc.org|8480-6$gt100", "O1");
    check("/Observation", "code-value-quantity=http://loinc.org|8480-6$lt100", "");
    check("/Observation", "component-code-value-quantity=http://loinc.org|8480-6$gt125", "O4");
    // O4 has a component 8462-4 and a value over 125, but not in the same component.
    check("/Observation", "component-code-value-quantity=http://loinc.org|8462-4$gt125", "");
    check("/Observation", "component-code-value-quantity=http://loinc.org|8462-4$85", "O4");
  }

  @Test
  void references() {
    String p1 = search.id("P1");
    check("/Observation", "subject=Patient/" + p1, "O1 O4");
    check("/Observation", "subject=" + p1, "O1 O4");
    check("/Observation", "subject:Patient=" + p1, "O1 O4");
    check("/Observation", "patient=" + p1, "O1 O4");
    check("/Observation", "subject=" + search.base() + "/Patient/" + p1, "O1 O4");
    check("/Observation", "subject=Patient/" + p1 + "," + "Patient/" + search.id("P2"), "O1 O2 O4");
    check("/Observation", "performer:identifier=urn:npi|999", "O5");
    check("/Observation", "subject:missing=true", "O6 O7");
    check("/RiskAssessment", "subject=Patient/" + search.id("P2"), "R2");
  }

  @Test
  void uris() {
    check("/ValueSet", "url=http://example.org/fhir/ValueSet/alpha", "V1");
    check("/ValueSet", "url=http://example.org/fhir", "");
    check("/ValueSet", "url:below=http://example.org/fhir", "V1 V2");
    check("/ValueSet", "url:above=http://example.org/fhir/ValueSet/alpha/sub", "V1");
  }

  @Test
  void invalidValuesAreRejected() {
    for (String q : new String[] {"birthdate=1950-13", "birthdate=gtyesterday", "probability=abc",
        "identifier:of-type=only-two|parts", "active:missing=maybe"}) {
      String path = q.startsWith("probability") ? "/RiskAssessment" : "/Patient";
      assertThat(search.get(path, q, Map.of()).statusCode()).as(q).isEqualTo(400);
    }
  }

  private String resolveIds(String query) {
    String q = query;
    for (String label : new String[] {"P1", "P2", "P3", "P4"}) {
      q = q.replace("%" + label, search.id(label));
    }
    return q;
  }
}
