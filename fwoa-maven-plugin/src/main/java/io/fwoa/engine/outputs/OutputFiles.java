package io.fwoa.engine.outputs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the outputs where FWoA users look for them: INFO_OUTPUT.log in the project directory
 * ({@code name = value} lines, one block per stack) and target/fwoa/outputs.json
 * ({@code {stack: {key: value}}}, the CDK CLI's --outputs-file format). Secret-named outputs are masked.
 */
public final class OutputFiles {

  private OutputFiles() {}

  /** The INFO_OUTPUT.log lines (also what the goals print). */
  public static List<String> lines(DeployedOutputs outputs) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> stack : outputs.stacks().entrySet()) {
      lines.add("# " + stack.getKey() + " (" + outputs.region() + ")");
      for (Map.Entry<String, String> o : stack.getValue().entrySet()) {
        lines.add(o.getKey() + " = " + Secrets.shown(o.getKey(), o.getValue()));
      }
    }
    return lines;
  }

  public static void write(DeployedOutputs outputs, Path infoOutputLog, Path outputsJson) {
    writeAtomically(infoOutputLog, String.join("\n", lines(outputs)) + "\n");
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    outputs.stacks().forEach((stack, values) -> {
      ObjectNode node = root.putObject(stack);
      values.forEach((k, v) -> node.put(k, Secrets.shown(k, v)));
    });
    try {
      writeAtomically(outputsJson, json.writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Write to a temporary file and move it in place, so a failure never leaves a half-written file. */
  private static void writeAtomically(Path file, String content) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
