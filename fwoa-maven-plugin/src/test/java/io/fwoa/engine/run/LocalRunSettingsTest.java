package io.fwoa.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forked server gets exactly the settings the goal was given. */
class LocalRunSettingsTest {

  @Test
  void settingsReachTheForkedJvmUnchangedAlsoWithSpacesInPaths() {
    LocalRun.Settings sent = new LocalRun.Settings(Path.of("/tmp/my data/local"), 0, Path.of("/home/a b/.cache/fwoa"),
        true, true, false, true, false, LocalRun.Settings.jvmArguments("  -XX:TieredStopAtLevel=1   -Xmx2g "));
    LocalRun.Settings received = LocalRun.Settings.fromArguments(sent.toArguments());
    assertThat(received).isEqualTo(sent);
    assertThat(received.jvmArguments()).containsExactly("-XX:TieredStopAtLevel=1", "-Xmx2g");
  }

  @Test
  void emptyJvmArgumentsMeanTheJvmDefaults() {
    LocalRun.Settings sent = new LocalRun.Settings(Path.of("d"), 8080, Path.of("c"), false, false, true, false, true,
        LocalRun.Settings.jvmArguments(""));
    assertThat(LocalRun.Settings.fromArguments(sent.toArguments()).jvmArguments()).isEmpty();
    assertThat(LocalRun.Settings.jvmArguments(null)).isEmpty();
    assertThat(LocalRun.Settings.jvmArguments(LocalRun.DEFAULT_JVM_ARGUMENTS)).isEqualTo(
        List.of("-XX:TieredStopAtLevel=1"));
  }
}
