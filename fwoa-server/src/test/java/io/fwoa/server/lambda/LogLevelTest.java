package io.fwoa.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LOG_LEVEL (fwoa.logLevel) decides what the functions log. slf4j-simple fixes its level when its
 * first logger is created, so each case runs in a fresh JVM, as a Lambda cold start does.
 */
class LogLevelTest {

  /** What a fresh JVM that loads the handler and logs at every level prints, with that LOG_LEVEL. */
  private static List<String> logged(Class<?> handler, String level) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LogLevelProbe.class.getName(), handler.getName()).redirectErrorStream(true);
    pb.environment().put("LOG_LEVEL", level);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    List<String> probes = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.contains("probe-")) {
        probes.add(line.substring(line.indexOf("probe-")).trim());
      }
    }
    return probes;
  }

  @ParameterizedTest
  @ValueSource(classes = {FhirApiHandler.class, StreamIndexHandler.class})
  void debugLogsEverything(Class<?> handler) throws Exception {
    assertThat(logged(handler, "debug")).containsExactly("probe-debug", "probe-info", "probe-warn", "probe-error",
        "probe-debug", "probe-info", "probe-warn", "probe-error");
  }

  @ParameterizedTest
  @ValueSource(classes = {FhirApiHandler.class, StreamIndexHandler.class})
  void errorLogsErrorsOnly(Class<?> handler) throws Exception {
    assertThat(logged(handler, "error")).containsExactly("probe-error", "probe-error");
  }

  @ParameterizedTest
  @ValueSource(classes = {FhirApiHandler.class, StreamIndexHandler.class})
  void warnLogsWarningsAndErrors(Class<?> handler) throws Exception {
    assertThat(logged(handler, "WARN")).containsExactly("probe-warn", "probe-error", "probe-warn", "probe-error");
  }
}
