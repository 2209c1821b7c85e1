package io.fwoa.maven;

import io.fwoa.constructs.ConfigurationException;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.nag.SecurityCheckException;
import io.fwoa.engine.aws.AwsCallException;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.aws.CredentialsException;
import io.fwoa.engine.deploy.AssemblySource;
import io.fwoa.engine.deploy.DeployException;
import io.fwoa.engine.deploy.StackSelectionException;
import io.fwoa.engine.node.NodeRuntimeException;
import io.fwoa.engine.outputs.NotDeployedException;
import io.fwoa.engine.synth.StackSummary;
import io.fwoa.engine.synth.SynthResult;
import io.fwoa.engine.synth.Synthesizer;
import io.fwoa.engine.toolkit.ToolkitException;
import java.io.File;
import java.io.UncheckedIOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Goals that talk to AWS: how the AWS session is opened (credentials, region) and how engine
 * failures become Maven failures. Configuration mistakes (including missing or expired
 * credentials, which the user fixes by logging in) fail the build with MojoFailureException;
 * AWS and I/O failures with MojoExecutionException carrying the service's error code.
 */
public abstract class AbstractAwsMojo extends AbstractFwoaMojo {

  /**
   * AWS profile from ~/.aws/config or ~/.aws/credentials (SSO profiles too: log in first with
   * 'aws sso login --profile NAME'). Default: the SDK's default chain (environment, AWS_PROFILE,
   * default profile, container or instance role).
   */
  @Parameter(property = "fwoa.profile")
  protected String profile;

  /** Testing only: name of an AWS client provider on the plugin class path to use instead of AWS. */
  @Parameter(property = "fwoa.awsClientProvider")
  protected String awsClientProvider;

  /** The FWoA-style outputs file: one 'name = value' line per stack output. */
  @Parameter(property = "fwoa.infoOutputFile", defaultValue = "${project.basedir}/INFO_OUTPUT.log")
  protected File infoOutputFile;

  /** Stack outputs as JSON ({stack: {key: value}}, like the CDK CLI's --outputs-file). */
  @Parameter(property = "fwoa.outputsFile", defaultValue = "${project.build.directory}/fwoa/outputs.json")
  protected File outputsFile;

  /** Opens the AWS session for the configuration's region and the chosen profile. */
  protected AwsSession session(FhirDeploymentConfig config) throws MojoFailureException {
    try {
      return AwsSession.open(new AwsTarget(config.getRegion(), profile), awsClientProvider, getClass().getClassLoader(),
          engineLog());
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage() + " (fix -Dfwoa.awsClientProvider, or leave it unset to use AWS)");
    }
  }

  /** Cloud assembly from the synthesizer, reporting cdk-nag warnings and the synthesized stacks. */
  protected AssemblySource synthesis(Synthesizer synthesizer) {
    return (config, outDir) -> {
      getLog().info("fwoa: synthesizing stage '" + config.getStage() + "' for " + config.getRegion()
          + (config.isSmart() ? " (SMART on FHIR)" : ""));
      SynthResult result = synthesizer.synthesize(config, outDir);
      result.warnings().forEach(getLog()::warn);
      getLog().info(String.format("Synthesized %d stack(s) in %.1f s", result.stacks().size(), result.millis() / 1000.0));
      for (StackSummary s : result.stacks()) {
        getLog().debug("  " + s.stackName() + ": " + s.resourceCount() + " resources");
      }
    };
  }

  /** Maven's failure for an engine exception. */
  protected Exception translate(RuntimeException e) {
    if (e instanceof ConfigurationException ce) {
      return configurationFailure(ce);
    }
    if (e instanceof CredentialsException || e instanceof NodeRuntimeException || e instanceof SecurityCheckException
        || e instanceof StackSelectionException || e instanceof ToolkitException || e instanceof NotDeployedException) {
      // No cause: Maven would append the SDK's long cause messages after the instructions.
      getLog().debug(e);
      return new MojoFailureException(e.getMessage());
    }
    if (e instanceof DeployException || e instanceof AwsCallException || e instanceof UncheckedIOException
        || e instanceof IllegalStateException) {
      return new MojoExecutionException(e.getMessage(), e);
    }
    return new MojoExecutionException("fwoa failed: " + e, e);
  }

  /** Runs the engine call and translates its failures. */
  protected <T> T engine(EngineCall<T> call) throws MojoExecutionException, MojoFailureException {
    try {
      return call.run();
    } catch (RuntimeException e) {
      Exception failure = translate(e);
      if (failure instanceof MojoFailureException f) {
        throw f;
      }
      throw (MojoExecutionException) failure;
    }
  }

  /** One call into the engine. */
  @FunctionalInterface
  protected interface EngineCall<T> {
    T run() throws MojoFailureException;
  }
}
