package io.fwoa.server.scratch;

import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStack.class)
class ScratchTest {
  @Test
  void smoke(LocalFhirServer server) {
    String t = server.token("practitioner");
    String b = server.baseUrl();
    var r = Http.send("POST", b + "/Patient", t, "application/fhir+json", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Müller\",\"given\":[\"Anna\"]}],\"gender\":\"female\",\"birthDate\":\"1950-03-04\",\"identifier\":[{\"system\":\"urn:x\",\"value\":\"A1\"}]}");
    System.out.println(r.statusCode() + " " + r.body());
    String id = r.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
    var o = Http.send("POST", b + "/Observation", t, "application/fhir+json", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/" + id + "\"},\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\",\"display\":\"Systolic\"}]},\"valueQuantity\":{\"value\":120,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"},\"effectiveDateTime\":\"2020-01-02T10:00:00Z\"}");
    System.out.println(o.statusCode() + " " + o.body());
    for (String q : new String[] {"/Patient?name=mull", "/Patient?name:contains=ulle", "/Patient?birthdate=1950", "/Patient?birthdate=gt1949-12-31&gender=female", "/Observation?code=http://loinc.org|8480-6&value-quantity=gt100", "/Observation?subject.name=muller&_include=Observation:subject", "/Patient?_has:Observation:patient:code=8480-6&_revinclude=Observation:patient", "/Observation?code-value-quantity=8480-6$120", "/Patient?foo=bar", "/Patient?_sort=-birthdate,name&_count=1", "/Observation?value-quantity=0.12|http://unitsofmeasure.org|m[Hg]", "/Patient?_summary=count", "/Patient?_elements=gender"}) {
      var s = Http.send("GET", b + q.replace("|", "%7C").replace("$", "%24"), t, null, null);
      System.out.println(q + " -> " + s.statusCode() + " " + s.body().substring(0, Math.min(600, s.body().length())));
    }
  }
}
