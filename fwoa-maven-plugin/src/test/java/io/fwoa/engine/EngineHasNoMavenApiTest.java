package io.fwoa.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine must stay usable and testable without Maven: no Maven API below io.fwoa.engine. */
class EngineHasNoMavenApiTest {

  @Test
  void engineSourcesDoNotImportMaven() throws IOException {
    Path engine = Path.of("src/main/java/io/fwoa/engine");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(engine)) {
      offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> {
            try {
              return Files.readString(p).contains("org.apache.maven");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(Path::toString).toList();
    }
    assertThat(Files.isDirectory(engine)).isTrue();
    assertThat(offenders).isEmpty();
  }
}
