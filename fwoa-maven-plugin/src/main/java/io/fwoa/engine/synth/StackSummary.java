package io.fwoa.engine.synth;

import java.nio.file.Path;
import java.util.List;

/**
 * One synthesized stack.
 *
 * @param stackName CloudFormation stack name
 * @param artifactId cloud assembly artifact id
 * @param templateFile absolute path of the template
 * @param resourceCount number of resources in the template
 * @param outputNames output keys of the template
 * @param dependencies stack names this stack must be deployed after
 * @param terminationProtection whether termination protection is on
 */
public record StackSummary(
    String stackName,
    String artifactId,
    Path templateFile,
    int resourceCount,
    List<String> outputNames,
    List<String> dependencies,
    boolean terminationProtection) {}
