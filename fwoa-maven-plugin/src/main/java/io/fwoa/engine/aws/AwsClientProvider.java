package io.fwoa.engine.aws;

import java.util.Optional;
import software.amazon.awssdk.core.SdkClient;

/**
 * Extension point for tests: supplies AWS clients instead of the SDK. Implementations are found
 * with {@link java.util.ServiceLoader} on the plugin's class path and are used only when selected
 * by name ({@code -Dfwoa.awsClientProvider=<name>}); nothing on the normal plugin class path
 * implements it, so normal use always talks to AWS through the SDK.
 */
public interface AwsClientProvider {

  /** Name to select this provider with. */
  String name();

  /**
   * @return a client of the given interface (CloudFormationClient, S3Client, StsClient, ...) for
   *     the target, or empty to let the SDK build it
   */
  <T extends SdkClient> Optional<T> client(Class<T> type, AwsTarget target);

  /** Clock and sleep to wait with; the SDK uses real time. */
  default Timing timing() {
    return Timing.system();
  }

  /** Called when the session ends (for example to save a fake's state). */
  default void close() {}
}
