package io.fwoa.server.bench;

import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.fhir.JsonCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Resource;

/**
 * Cost of the request-body check ({@link JsonCheck}) next to HAPI's strict parse of the same body,
 * on a Synthea-sized transaction bundle (pretty-printed, with narratives, like Synthea writes)
 * and on single resources (the read path checks every stored version it serves). Files given as
 * arguments (e.g. real Synthea bundles) are measured as well. Single-threaded, after warm-up;
 * prints milliseconds per document and the check's share. Not a test.
 */
public final class BodyCheckBench {

  private BodyCheckBench() {}

  public static void main(String[] args) throws Exception {
    int entries = Integer.getInteger("entries", 11_000);
    List<Resource> resources = SearchBench.generate(entries, new Random(42));
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    for (Resource r : resources) {
      ((DomainResource) r).getText().setStatus(Narrative.NarrativeStatus.GENERATED)
          .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Generated narrative of " + r.fhirType()
              + "</div>");
      tx.addEntry().setFullUrl("urn:uuid:" + r.getIdPart()).setResource(r).getRequest().setMethod(HTTPVerb.POST)
          .setUrl(r.fhirType());
    }
    String bundle = Fhir.context().newJsonParser().setPrettyPrint(true).encodeResourceToString(tx);
    measure("synthetic transaction bundle, " + entries + " entries", bundle, 10);
    String single = Fhir.toJson(resources.get(2));
    measure("single Observation", single, 20_000);
    for (String file : args) {
      Path p = Path.of(file);
      measure(p.getFileName().toString(), Files.readString(p), 5);
    }
  }

  private static void measure(String label, String json, int runs) {
    if (JsonCheck.check(json, null) != null) {
      throw new IllegalStateException(label + ": " + JsonCheck.check(json, null));
    }
    double check = time(runs, () -> JsonCheck.check(json, null));
    double parse = time(runs, () -> Fhir.strictJsonParser().parseResource(json));
    double mb = json.getBytes(StandardCharsets.UTF_8).length / 1e6;
    System.out.printf("body-check %s (%.2f MB): check %.3f ms (%.0f MB/s), HAPI strict parse %.3f ms; check = %.1f%%"
        + " of the parse%n", label, mb, check, mb / (check / 1000), parse, 100 * check / parse);
  }

  /** Median milliseconds of one run, after as many warm-up runs (at least 20). */
  private static double time(int runs, Runnable task) {
    for (int i = 0; i < Math.max(runs, 20); i++) {
      task.run();
    }
    List<Long> nanos = new ArrayList<>();
    int rounds = Math.min(runs, 15);
    int perRound = Math.max(1, runs / rounds);
    for (int r = 0; r < rounds; r++) {
      long t = System.nanoTime();
      for (int i = 0; i < perRound; i++) {
        task.run();
      }
      nanos.add((System.nanoTime() - t) / perRound);
    }
    nanos.sort(null);
    return nanos.get(nanos.size() / 2) / 1e6;
  }

}
