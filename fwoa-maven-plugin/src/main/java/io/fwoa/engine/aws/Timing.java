package io.fwoa.engine.aws;

import java.time.Duration;

/**
 * The engine's clock and sleep. Waiting for CloudFormation goes through here so tests (and the
 * in-memory fake used by the integration tests) can run a 20-minute deployment in milliseconds.
 */
public interface Timing {

  /** Milliseconds since the epoch. */
  long nowMillis();

  void sleep(Duration duration);

  /** Wall-clock time and real sleeps. */
  static Timing system() {
    return new Timing() {
      @Override
      public long nowMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public void sleep(Duration duration) {
        try {
          Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for AWS", e);
        }
      }
    };
  }
}
