package io.fwoa.engine.deploy;

import io.fwoa.constructs.FhirDeploymentConfig;
import java.nio.file.Path;

/** Produces the cloud assembly to deploy: the synthesizer in normal use, a prepared assembly in tests. */
@FunctionalInterface
public interface AssemblySource {

  /** Writes the cloud assembly of the configuration to outDir (a cdk.out directory). */
  void assemble(FhirDeploymentConfig config, Path outDir);
}
