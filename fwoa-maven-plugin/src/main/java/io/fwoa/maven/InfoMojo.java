package io.fwoa.maven;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.outputs.OutputsRefresh;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Prints the outputs of the deployed stacks (endpoint, user pool, table, search domain ...) and
 * rewrites INFO_OUTPUT.log and target/fwoa/outputs.json with them. No synthesis, no changes.
 */
@Mojo(name = "info", threadSafe = true)
public class InfoMojo extends AbstractAwsMojo {

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      return;
    }
    FhirDeploymentConfig config = config();
    try (AwsSession session = session(config)) {
      engine(() -> OutputsRefresh.refresh(session, engineLog(), config, infoOutputFile.toPath(), outputsFile.toPath()));
    }
  }
}
