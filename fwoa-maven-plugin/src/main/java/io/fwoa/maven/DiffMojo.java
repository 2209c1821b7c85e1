package io.fwoa.maven;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.deploy.Differ;
import io.fwoa.engine.toolkit.Toolkit;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Shows what fwoa:deploy would change, resource by resource, from a CloudFormation change set
 * that is deleted afterwards. Replacements and removals of resources that hold data are printed as
 * warnings. Nothing is deployed and no Lambda code is uploaded.
 */
@Mojo(name = "diff", threadSafe = true)
public class DiffMojo extends AbstractAwsMojo {

  /** Where the cloud assembly is written. */
  @Parameter(property = "fwoa.outputDirectory", defaultValue = "${project.build.directory}/fwoa/cdk.out")
  private File outputDirectory;

  /** Stacks to compare (comma-separated stack names); default all. */
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
    Differ.DiffReport report;
    try (AwsSession session = session(config)) {
      report = engine(() -> new Differ(session, engineLog(), synthesis).diff(config, outputDirectory.toPath(),
          stacks == null ? List.of() : stacks, assets));
    }
    if (report.hasDangerousChanges()) {
      getLog().warn("fwoa: this deployment would replace or remove resources that hold data (see the warnings above)");
    } else if (!report.hasChanges()) {
      getLog().info("fwoa: no changes");
    }
  }
}
