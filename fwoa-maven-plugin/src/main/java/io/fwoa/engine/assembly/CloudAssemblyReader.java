package io.fwoa.engine.assembly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the stacks of a cloud assembly (cdk.out) from its manifest.json with plain JSON parsing,
 * so deploying needs no jsii call. Unknown artifact types and metadata are ignored, not rejected.
 */
public final class CloudAssemblyReader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STACK = "aws:cloudformation:stack";
  private static final String ASSETS = "cdk:asset-manifest";

  private CloudAssemblyReader() {}

  /** Stacks in deployment order (each after the stacks it depends on). */
  public static List<AssemblyStack> read(Path cdkOut) {
    Path manifestFile = cdkOut.resolve("manifest.json");
    JsonNode artifacts = readJson(manifestFile).path("artifacts");
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    artifacts.properties().forEach(e -> byId.put(e.getKey(), e.getValue()));

    Map<String, AssemblyStack> stacks = new LinkedHashMap<>();
    Map<String, String> stackNameById = new LinkedHashMap<>();
    byId.forEach((id, a) -> {
      if (STACK.equals(a.path("type").asText())) {
        stackNameById.put(id, a.path("properties").path("stackName").asText(id));
      }
    });
    for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
      JsonNode a = e.getValue();
      if (!STACK.equals(a.path("type").asText())) {
        continue;
      }
      JsonNode props = a.path("properties");
      String name = stackNameById.get(e.getKey());
      Path templateFile = cdkOut.resolve(props.path("templateFile").asText()).toAbsolutePath();
      String body = readString(templateFile);
      JsonNode template;
      try {
        template = JSON.readTree(body);
      } catch (IOException ex) {
        throw new UncheckedIOException("Template " + templateFile + " is not valid JSON", ex);
      }
      Map<String, String> tags = new LinkedHashMap<>();
      props.path("tags").properties().forEach(t -> tags.put(t.getKey(), t.getValue().asText()));
      List<String> deps = new ArrayList<>();
      Path assets = null;
      for (JsonNode d : a.path("dependencies")) {
        JsonNode dep = byId.get(d.asText());
        if (dep == null) {
          continue;
        }
        if (STACK.equals(dep.path("type").asText())) {
          deps.add(stackNameById.get(d.asText()));
        } else if (ASSETS.equals(dep.path("type").asText())) {
          assets = cdkOut.resolve(dep.path("properties").path("file").asText()).toAbsolutePath();
        }
      }
      String env = a.path("environment").asText("");
      String region = env.startsWith("aws://") ? env.substring(env.lastIndexOf('/') + 1) : "";
      Map<String, String> paths = constructPaths(cdkOut, a, name);
      stacks.put(name, new AssemblyStack(name, region, templateFile, body, template, Collections.unmodifiableMap(tags),
          props.path("terminationProtection").asBoolean(false), List.copyOf(deps), assets, paths));
    }
    return dependencyOrder(stacks);
  }

  /** logical id to construct path relative to the stack, from the stack's metadata. */
  private static Map<String, String> constructPaths(Path cdkOut, JsonNode artifact, String stackName) {
    JsonNode metadata = artifact.path("metadata");
    if (artifact.hasNonNull("additionalMetadataFile")) {
      Path file = cdkOut.resolve(artifact.path("additionalMetadataFile").asText());
      if (Files.isRegularFile(file)) {
        metadata = readJson(file);
      }
    }
    Map<String, String> paths = new LinkedHashMap<>();
    metadata.properties().forEach(e -> {
      for (JsonNode entry : e.getValue()) {
        if ("aws:cdk:logicalId".equals(entry.path("type").asText())) {
          String path = e.getKey();
          String prefix = "/" + stackName + "/";
          if (path.startsWith(prefix)) {
            path = path.substring(prefix.length());
          }
          if (path.endsWith("/Resource")) {
            path = path.substring(0, path.length() - "/Resource".length());
          }
          paths.put(entry.path("data").asText(), path);
        }
      }
    });
    return Collections.unmodifiableMap(paths);
  }

  static List<AssemblyStack> dependencyOrder(Map<String, AssemblyStack> stacks) {
    List<AssemblyStack> ordered = new ArrayList<>();
    Set<String> done = new HashSet<>();
    List<AssemblyStack> pending = new ArrayList<>(stacks.values());
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        AssemblyStack s = it.next();
        if (s.dependencies().stream().allMatch(d -> done.contains(d) || !stacks.containsKey(d))) {
          ordered.add(s);
          done.add(s.stackName());
          it.remove();
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("Cyclic stack dependencies among " + pending.stream().map(AssemblyStack::stackName).toList());
      }
    }
    return ordered;
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
