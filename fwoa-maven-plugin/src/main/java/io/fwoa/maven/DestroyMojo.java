package io.fwoa.maven;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.deploy.DestroyConfirmation;
import io.fwoa.engine.deploy.Destroyer;
import io.fwoa.engine.outputs.StackOutputs;
import java.io.Console;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Deletes the stage's stacks (backup, then service) and lists what CloudFormation retained
 * (production data stores and keys). Asks for confirmation, or -Dfwoa.force=true in batch mode;
 * the prod stage also needs -Dfwoa.confirmStage=prod. The asset bucket stack is kept.
 */
@Mojo(name = "destroy", threadSafe = true)
public class DestroyMojo extends AbstractAwsMojo {

  /** Delete without asking (required in batch mode). */
  @Parameter(property = "fwoa.force", defaultValue = "false")
  private boolean force;

  /** Must equal the stage to destroy the prod stage. */
  @Parameter(property = "fwoa.confirmStage")
  private String confirmStage;

  @Parameter(defaultValue = "${settings.interactiveMode}", readonly = true)
  private boolean interactiveMode;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      return;
    }
    FhirDeploymentConfig config = config();
    Console console = interactiveMode ? System.console() : null;
    Optional<String> problem = DestroyConfirmation.problem(config, confirmStage, force, console != null);
    if (problem.isPresent()) {
      throw new MojoFailureException(problem.get());
    }
    if (!force) {
      String answer = console.readLine("Delete the stacks %s of stage '%s' in %s? Type the stage name to confirm: ",
          String.join(", ", StackOutputs.stackNames(config)), config.getStage(), config.getRegion());
      if (answer == null || !answer.trim().equals(config.getStage())) {
        throw new MojoFailureException("Not confirmed: nothing was deleted.");
      }
    }
    try (AwsSession session = session(config)) {
      engine(() -> new Destroyer(session, engineLog()).destroy(config));
    }
  }
}
