package io.fwoa.engine.outputs;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.log.EngineLog;
import java.nio.file.Path;

/** fwoa:info: reads the deployed stacks' outputs, rewrites INFO_OUTPUT.log and outputs.json, prints them. */
public final class OutputsRefresh {

  private OutputsRefresh() {}

  /**
   * @throws NotDeployedException if the service stack is not deployed
   */
  public static DeployedOutputs refresh(AwsSession session, EngineLog log, FhirDeploymentConfig config, Path infoOutputFile,
      Path outputsFile) {
    DeployedOutputs outputs = StackOutputs.read(session, config);
    OutputFiles.write(outputs, infoOutputFile, outputsFile);
    OutputFiles.lines(outputs).forEach(log::info);
    log.info("Written to " + infoOutputFile + " and " + outputsFile);
    return outputs;
  }
}
