package io.fwoa.server.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.fhir.ParsedResources;
import io.fwoa.server.interaction.Resources;
import io.fwoa.server.local.LocalLog;
import io.fwoa.server.local.NpmPackages;
import io.fwoa.server.storage.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * fwoa:run's indexer takes the resource a request has just stamped instead of parsing its JSON
 * back. For every R4 spec example, the search document built that way must be the one built from
 * the stored JSON (examples up to 64 KB).
 */
class ParsedResourcesIndexTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00.123Z");

  @AfterEach
  void forget() {
    ParsedResources.clear();
  }

  @Test
  void documentsFromStampedResourcesEqualDocumentsFromTheStoredJson() throws Exception {
    ParsedResources.enable();
    Documents documents = new Documents();
    List<String> different = new ArrayList<>();
    int compared = 0;
    for (Path file : examples()) {
      Resource resource;
      try {
        resource = (Resource) Fhir.jsonParser().parseResource(Files.readString(file));
      } catch (RuntimeException unparseable) {
        continue;
      }
      String type = resource.fhirType();
      ResourceKey key = new ResourceKey(null, type, "ex" + compared);
      String json;
      try {
        json = Resources.stamp(resource, key, 3, NOW);
      } catch (FhirException refused) {
        continue;
      }
      String copy = new String(json.toCharArray()); // as a decompressed document arrives: equal, not the same
      assertThat(ParsedResources.parse(copy)).as(file.toString()).isSameAs(resource);
      ParsedResources.remember(json, resource);
      ObjectNode fromStamped = documents.build(null, type, key.id(), 3, NOW, copy);
      ParsedResources.clear();
      ObjectNode fromJson = documents.build(null, type, key.id(), 3, NOW, copy);
      if (!fromStamped.equals(fromJson)) {
        different.add(file.getFileName().toString());
      }
      compared++;
    }
    assertThat(compared).as("examples compared").isGreaterThan(600);
    assertThat(different).isEmpty();
  }

  @Test
  void otherThreadsAndForgottenResourcesAreParsed() throws Exception {
    ParsedResources.enable();
    Resource patient = (Resource) Fhir.jsonParser().parseResource("{\"resourceType\":\"Patient\",\"active\":true}");
    String json = Resources.stamp(patient, new ResourceKey(null, "Patient", "p1"), 1, NOW);
    Resource[] elsewhere = new Resource[1];
    Thread other = new Thread(() -> elsewhere[0] = ParsedResources.parse(json));
    other.start();
    other.join();
    assertThat(elsewhere[0]).isNotSameAs(patient);
    assertThat(Fhir.toJson(elsewhere[0])).isEqualTo(json);

    ParsedResources.clear();
    assertThat(ParsedResources.parse(json)).isNotSameAs(patient);
  }

  private static List<Path> examples() throws Exception {
    Path modules = NpmPackages.install(ParsedResourcesIndexTest.class.getClassLoader(), "fhir-examples",
        "fhir-r4-examples", NpmPackages.defaultCacheDirectory(), LocalLog.SILENT);
    Path examples = modules.resolve("hl7.fhir.r4.examples");
    if (Files.isDirectory(examples.resolve("package"))) {
      examples = examples.resolve("package");
    }
    try (Stream<Path> list = Files.list(examples)) {
      // Up to 64 KB: the big terminology examples take most of the time and add no element kinds.
      return list.filter(p -> p.getFileName().toString().endsWith(".json") && p.toFile().length() <= 64 * 1024)
          .filter(p -> !p.getFileName().toString().startsWith("package") && !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
  }
}
