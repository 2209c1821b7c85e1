package io.fwoa.server.scratch;

import ca.uhn.fhir.fhirpath.IFhirPath;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.EmbeddedOpenSearch;
import java.util.List;
import org.hl7.fhir.r4.model.*;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void fhirpath() {
    long t = System.nanoTime();
    IFhirPath fp = Fhir.context().newFhirPath();
    Observation o = new Observation();
    o.setSubject(new Reference("Patient/123"));
    o.getCode().addCoding().setSystem("http://loinc.org").setCode("1234-5").setDisplay("Blood");
    o.setValue(new Quantity().setValue(5.4).setSystem("http://unitsofmeasure.org").setCode("mg"));
    System.out.println("init " + (System.nanoTime() - t) / 1e6);
    System.out.println(fp.evaluate(o, "Observation.subject.where(resolve() is Patient)", org.hl7.fhir.instance.model.api.IBase.class));
    System.out.println(fp.evaluate(o, "(Observation.value as Quantity)", org.hl7.fhir.instance.model.api.IBase.class));
    var defs = Fhir.context().getResourceDefinition("Observation").getSearchParams();
    for (var d : defs) System.out.println(d.getName() + " " + d.getParamType() + " " + d.getPath() + " targets=" + d.getTargets() + " comps=" + d.getComponents().size() + " " + d.getComponents().stream().map(c -> c.getReference() + ":" + c.getExpression()).toList());
    System.out.println("total " + (System.nanoTime() - t) / 1e6);
  }

  @Test
  void node() throws Exception {
    long t = System.nanoTime();
    try (EmbeddedOpenSearch os = EmbeddedOpenSearch.start(null)) {
      System.out.println("started " + (System.nanoTime() - t) / 1e6 + " " + os.endpoint());
      var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(os.endpoint())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      System.out.println(r.body());
      System.out.println("heap used MB " + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1e6);
    }
  }
}
