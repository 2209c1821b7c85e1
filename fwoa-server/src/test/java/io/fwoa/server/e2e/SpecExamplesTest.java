package io.fwoa.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.local.LocalLog;
import io.fwoa.server.local.NpmPackages;
import io.fwoa.server.support.Clients;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every resource of the FHIR R4 specification package (npm {@code hl7.fhir.r4.examples} 4.0.1,
 * installed from the lock file in src/test/resources/fhir-examples) is created over HTTP with the
 * HAPI generic client and read back equal, apart from the server-owned id and meta. Creation goes
 * through transaction bundles of creates to keep the run short. Two kinds of file cannot be
 * created, and must be refused cleanly instead: files larger than the server's request limit
 * (Lambda's 6 MB) get 413, and the few that HAPI's own strict parser cannot read get 400. Both
 * lists are pinned: one more refusal (a HAPI upgrade, a stricter server check) fails the test.
 */
@ExtendWith(LocalStack.class)
class SpecExamplesTest {

  private static final long BATCH_BYTES = 3L * 1024 * 1024;
  private static final int BATCH_ENTRIES = 100;
  /** Files in hl7.fhir.r4.examples 4.0.1 (the version the lock file pins). */
  private static final int FILES = 5306;
  private static final Set<String> TOO_LARGE = Set.of("Bundle-dataelements.json", "Bundle-resources.json",
      "Bundle-v3-valuesets.json", "Bundle-valueset-expansions.json", "Bundle-valuesets.json");
  /**
   * The examples HAPI 8.8.1's strict parser refuses: each has a primitive array's {@code _event}
   * written as a single object (HAPI-1820).
   */
  private static final Set<String> UNPARSEABLE = Set.of(
      "ActivityDefinition-administer-zika-virus-exposure-assessment.json",
      "ActivityDefinition-heart-valve-replacement.json",
      "ActivityDefinition-provide-mosquito-prevention-advice.json",
      "ActivityDefinition-referralPrimaryCareMentalHealth-initial.json",
      "ActivityDefinition-referralPrimaryCareMentalHealth.json",
      "ActivityDefinition-serum-dengue-virus-igm.json",
      "ActivityDefinition-serum-zika-dengue-virus-igm.json",
      "PlanDefinition-example-cardiology-os.json",
      "PlanDefinition-low-suicide-risk-order-set.json");

  @TestFactory
  Stream<DynamicTest> everyExampleCreatesAndReadsBackEqual(LocalFhirServer server) throws IOException {
    Path modules = NpmPackages.install(getClass().getClassLoader(), "fhir-examples", "fhir-r4-examples",
        NpmPackages.defaultCacheDirectory(), LocalLog.SILENT);
    Path examples = modules.resolve("hl7.fhir.r4.examples");
    if (Files.isDirectory(examples.resolve("package"))) {
      examples = examples.resolve("package");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(examples)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".json"))
          .filter(p -> !p.getFileName().toString().startsWith("package") && !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
    assertThat(files).as("examples in %s", examples).hasSize(FILES);

    IGenericClient client = Clients.practitioner(server);
    String token = server.token("practitioner");
    int limit = server.config().maxRequestBytes();
    Map<Path, Resource> originals = new HashMap<>();
    Map<Path, String> refusals = new HashMap<>();
    Map<Path, String> ids = new HashMap<>();
    List<Path> batch = new ArrayList<>();
    long batchBytes = 0;
    for (Path file : files) {
      long size = Files.size(file);
      String json = Files.readString(file);
      Resource original;
      try {
        original = (Resource) Fhir.strictJsonParser().parseResource(json);
      } catch (DataFormatException e) {
        refusals.put(file, "unparseable");
        continue;
      }
      if (size > limit) {
        refusals.put(file, "too large");
        continue;
      }
      originals.put(file, original);
      if (size > BATCH_BYTES) {
        ids.put(file, client.create().resource(original.copy()).execute().getId().getIdPart());
        continue;
      }
      if (batchBytes + size > BATCH_BYTES || batch.size() == BATCH_ENTRIES) {
        createAll(client, batch, originals, ids);
        batch.clear();
        batchBytes = 0;
      }
      batch.add(file);
      batchBytes += size;
    }
    createAll(client, batch, originals, ids);
    assertThat(names(refusals, "too large")).as("examples over the request limit").isEqualTo(TOO_LARGE);
    assertThat(names(refusals, "unparseable")).as("examples HAPI's strict parser refuses").isEqualTo(UNPARSEABLE);
    System.out.printf("spec examples: %d files, %d created, %d larger than the request limit, %d not parseable by "
        + "HAPI's strict parser%n", files.size(), ids.size(),
        refusals.values().stream().filter("too large"::equals).count(),
        refusals.values().stream().filter("unparseable"::equals).count());

    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      String refusal = refusals.get(file);
      if (refusal != null) {
        HttpResponse<String> r = Http.send("POST", server.baseUrl() + "/" + resourceType(file), token,
            "application/fhir+json", Files.readString(file));
        assertThat(r.statusCode()).as("%s (%s)", file.getFileName(), refusal)
            .isEqualTo(refusal.equals("too large") ? 413 : 400);
        assertThat(r.body()).contains("OperationOutcome");
        return;
      }
      Resource original = originals.get(file);
      String id = ids.get(file);
      assertThat(id).as("%s was created", file.getFileName()).isNotNull();
      Resource read = (Resource) client.read().resource(original.getClass()).withId(id).execute();
      assertThat(read.getMeta().getVersionId()).isEqualTo("1");
      assertThat(comparable(read)).as("%s read back", file.getFileName()).isEqualTo(comparable(original));
    }));
  }

  private static Set<String> names(Map<Path, String> refusals, String why) {
    return refusals.entrySet().stream().filter(e -> e.getValue().equals(why))
        .map(e -> e.getKey().getFileName().toString()).collect(Collectors.toSet());
  }

  private static void createAll(IGenericClient client, List<Path> files, Map<Path, Resource> originals,
      Map<Path, String> ids) {
    if (files.isEmpty()) {
      return;
    }
    // A transaction of creates: the fast bulk path (a batch runs each entry as its own request).
    Bundle batch = new Bundle().setType(BundleType.TRANSACTION);
    for (Path f : files) {
      Resource r = originals.get(f).copy();
      batch.addEntry().setResource(r).getRequest().setMethod(HTTPVerb.POST).setUrl(r.fhirType());
    }
    Bundle response = client.transaction().withBundle(batch).execute();
    for (int i = 0; i < files.size(); i++) {
      BundleEntryComponent e = response.getEntry().get(i);
      if (e.getResponse().getStatus().startsWith("201")) {
        ids.put(files.get(i), e.getResponse().getLocation().split("/")[e.getResponse().getLocation().startsWith("http")
            ? 4 : 1]);
      }
    }
  }

  /** The resource without id and meta, as compact JSON with whitespace runs collapsed (narrative XHTML). */
  private static String comparable(Resource r) {
    Resource copy = r.copy();
    copy.setId((String) null);
    copy.setMeta(null);
    return Fhir.toJson(copy).replaceAll("\\s+", " ");
  }

  private static String resourceType(Path file) {
    try {
      String head = Files.readString(file);
      int i = head.indexOf("\"resourceType\"");
      int start = head.indexOf('"', head.indexOf(':', i) + 1) + 1;
      return head.substring(start, head.indexOf('"', start));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
