package io.fwoa.maven;

import io.fwoa.constructs.ConfigurationException;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.nag.SecurityCheckException;
import io.fwoa.engine.node.NodeRuntimeException;
import io.fwoa.engine.synth.StackSummary;
import io.fwoa.engine.synth.SynthResult;
import java.io.File;
import java.io.UncheckedIOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Synthesizes the FHIR service's CloudFormation templates (the cloud assembly) without deploying,
 * after checking them with cdk-nag's AwsSolutions and HIPAA Security packs.
 */
@Mojo(name = "synth", threadSafe = true)
public class SynthMojo extends AbstractFwoaMojo {

  /** Where the cloud assembly is written. */
  @Parameter(property = "fwoa.outputDirectory", defaultValue = "${project.build.directory}/fwoa/cdk.out")
  private File outputDirectory;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      return;
    }
    FhirDeploymentConfig config = config();
    getLog().info("fwoa: synthesizing stage '" + config.getStage() + "' for " + config.getRegion()
        + (config.isSmart() ? " (SMART on FHIR)" : ""));
    SynthResult result;
    try {
      result = synthesizer().synthesize(config, outputDirectory.toPath());
    } catch (ConfigurationException e) {
      throw configurationFailure(e);
    } catch (NodeRuntimeException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (SecurityCheckException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    report(result);
  }

  private void report(SynthResult result) {
    for (String warning : result.warnings()) {
      getLog().warn(warning);
    }
    getLog().info(String.format("Synthesized %d stack(s) in %.1f s to %s", result.stacks().size(),
        result.millis() / 1000.0, result.assemblyDirectory()));
    for (StackSummary stack : result.stacks()) {
      getLog().info(String.format("  %-32s %4d resources, %d outputs%s", stack.stackName(), stack.resourceCount(),
          stack.outputNames().size(), stack.terminationProtection() ? ", termination protection" : ""));
    }
  }
}
