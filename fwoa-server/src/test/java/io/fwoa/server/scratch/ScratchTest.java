package io.fwoa.server.scratch;

import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.search.index.DateRanges;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import io.fwoa.server.support.SearchClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStack.class)
class ScratchTest {
  @Test
  void smoke(LocalFhirServer server) {
    SearchClient c = new SearchClient(server, "practitioner");
    String id = c.create("P1", "{\"resourceType\":\"Patient\",\"birthDate\":\"1950-03-04\"}");
    var r = DateRanges.parse("1950-03-04");
    System.out.println(r);
    System.out.println(Http.send("GET", server.searchEndpoint() + "/fwoa-patient/_doc/" + id, null, null, null).body());
    for (String rel : new String[] {"within", "intersects", "contains"}) {
      String q = "{\"query\":{\"range\":{\"p.birthdate.r\":{\"gte\":\"" + r.lo() + "\",\"lte\":\"" + r.hi() + "\",\"relation\":\"" + rel + "\"}}}}";
      System.out.println(rel + " " + Http.send("POST", server.searchEndpoint() + "/fwoa-patient/_search?filter_path=hits.total", null, "application/json", q).body());
      q = "{\"query\":{\"range\":{\"p.birthdate.r\":{\"gte\":" + r.lo() + ",\"lte\":" + r.hi() + ",\"relation\":\"" + rel + "\"}}}}";
      System.out.println(rel + " num " + Http.send("POST", server.searchEndpoint() + "/fwoa-patient/_search?filter_path=hits.total", null, "application/json", q).body());
    }
    var o = c.create("O", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"component\":[{\"code\":{\"text\":\"a\"},\"valueQuantity\":{\"value\":130}},{\"code\":{\"text\":\"b\"},\"valueQuantity\":{\"value\":85}}]}");
    System.out.println(Http.send("GET", server.searchEndpoint() + "/fwoa-observation/_doc/" + o + "?_source_excludes=resource", null, null, null).body());
  }
}
