package io.fwoa.engine.assembly;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A stack of a synthesized cloud assembly, as the deploy engine needs it.
 *
 * @param stackName CloudFormation stack name
 * @param region region from the artifact's environment
 * @param templateFile absolute path of the template
 * @param templateBody the template file's exact text
 * @param template the parsed template
 * @param tags stack tags
 * @param terminationProtection whether the stack should have termination protection
 * @param dependencies names of stacks this one must be deployed after
 * @param assetManifest the stack's asset manifest, or null if it has none
 * @param constructPaths logical id to construct path (for readable progress lines)
 */
public record AssemblyStack(
    String stackName,
    String region,
    Path templateFile,
    String templateBody,
    JsonNode template,
    Map<String, String> tags,
    boolean terminationProtection,
    List<String> dependencies,
    Path assetManifest,
    Map<String, String> constructPaths) {

  /** Number of resources in the template. */
  public int resourceCount() {
    return template.path("Resources").size();
  }

  /** The template's size in bytes, which decides whether it must go through S3. */
  public int templateSize() {
    return templateBody.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /** A readable name for a resource: its construct path inside the stack, or the logical id. */
  public String displayName(String logicalId) {
    String path = constructPaths.get(logicalId);
    return path == null ? logicalId : path;
  }
}
