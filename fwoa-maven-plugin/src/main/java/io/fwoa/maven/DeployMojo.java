package io.fwoa.maven;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.deploy.DeployReport;
import io.fwoa.engine.deploy.Deployer;
import io.fwoa.engine.deploy.StackResult;
import io.fwoa.engine.toolkit.Toolkit;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Deploys the FHIR service: synthesizes the stacks, creates the asset bucket on first use,
 * uploads Lambda code, deploys each stack with a change set (service, then backup), and writes the
 * outputs to INFO_OUTPUT.log and target/fwoa/outputs.json. No CDK CLI is needed.
 */
@Mojo(name = "deploy", threadSafe = true)
public class DeployMojo extends AbstractAwsMojo {

  /** Where the cloud assembly is written. */
  @Parameter(property = "fwoa.outputDirectory", defaultValue = "${project.build.directory}/fwoa/cdk.out")
  private File outputDirectory;

  /** Stacks to deploy (comma-separated stack names); default all, in dependency order. */
  @Parameter(property = "fwoa.stacks")
  private List<String> stacks;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      return;
    }
    FhirDeploymentConfig config = config();
    Toolkit assets = toolkit();
    var synthesis = synthesis(synthesizer());
    DeployReport report;
    try (AwsSession session = session(config)) {
      report = engine(() -> new Deployer(session, engineLog(), synthesis).deploy(config, new Deployer.Request(
          outputDirectory.toPath(), stacks == null ? List.of() : stacks, infoOutputFile.toPath(), outputsFile.toPath(),
          assets)));
    }
    long changed = report.stacks().stream().filter(s -> s.outcome() != StackResult.Outcome.NO_CHANGES).count();
    getLog().info(String.format("fwoa: %d stack(s) deployed, %d unchanged, in account %s (%s); AWS calls: %d CloudFormation, "
        + "%d S3; %.1f s after synthesis", changed, report.stacks().size() - changed, report.account(), config.getRegion(),
        report.calls("CloudFormation"), report.calls("S3"), report.engineMillis() / 1000.0));
  }
}
