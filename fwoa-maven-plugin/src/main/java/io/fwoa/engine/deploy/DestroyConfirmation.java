package io.fwoa.engine.deploy;

import io.fwoa.constructs.FhirDeploymentConfig;
import java.util.Optional;

/** The rules that protect fwoa:destroy from deleting data by accident. */
public final class DestroyConfirmation {

  private DestroyConfirmation() {}

  /**
   * @param confirmStage value of fwoa.confirmStage
   * @param force fwoa.force
   * @param interactive Maven runs interactively (not -B) and can ask
   * @return the problem (with the setting that fixes it), or empty when destroy may go ahead
   *     (after asking, when interactive and not forced)
   */
  public static Optional<String> problem(FhirDeploymentConfig config, String confirmStage, boolean force,
      boolean interactive) {
    String stage = config.getStage();
    if (config.isProduction() && !stage.equals(confirmStage)) {
      return Optional.of("Refusing to destroy stage '" + stage + "': production stacks are termination-protected and "
          + "hold your FHIR data. If you really mean it, pass -Dfwoa.confirmStage=" + stage
          + (interactive ? "" : " -Dfwoa.force=true") + " (data stores are retained and listed afterwards).");
    }
    if (!force && !interactive) {
      return Optional.of("fwoa:destroy deletes the stacks of stage '" + stage + "' (" + String.join(", ",
          io.fwoa.engine.outputs.StackOutputs.stackNames(config)) + ") in " + config.getRegion()
          + ". In batch mode it cannot ask: pass -Dfwoa.force=true to confirm.");
    }
    return Optional.empty();
  }
}
