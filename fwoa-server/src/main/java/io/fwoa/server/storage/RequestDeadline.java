package io.fwoa.server.storage;

import java.util.concurrent.TimeUnit;

/**
 * How long the current request may still spend on storage. The API handler starts one per
 * request (the Lambda's remaining time less a margin); the DynamoDB client bounds its timeouts
 * and retries by it, the store its retry loops, and work the store runs on its pool for the
 * request carries it there. Without one (tools, the stream indexer) nothing is bounded here.
 */
public final class RequestDeadline {

  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

  private RequestDeadline() {}

  /** Restores the deadline that was in force before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** A deadline {@code millis} from now for the calling thread, until the scope closes. */
  public static Scope start(long millis) {
    return at(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis)));
  }

  /** The deadline {@link #current()} returned, on another thread (null: none). */
  public static Scope at(Long nanoTime) {
    Long previous = DEADLINE.get();
    set(nanoTime);
    return () -> set(previous);
  }

  /**
   * A little more time for cleaning up after the deadline passed (rolling a transaction back):
   * at least {@code millis} from now, until the scope closes.
   */
  public static Scope grace(long millis) {
    Long current = DEADLINE.get();
    if (current == null) {
      return () -> {};
    }
    return at(Math.max(current, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis)));
  }

  /** The calling thread's deadline as a {@link System#nanoTime()} value, or null. */
  public static Long current() {
    return DEADLINE.get();
  }

  /** Milliseconds left (0 when passed), or {@link Long#MAX_VALUE} without a deadline. */
  public static long remainingMillis() {
    Long d = DEADLINE.get();
    if (d == null) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(d - System.nanoTime()));
  }

  /** Throws if the deadline has passed. */
  public static void check(String doing) {
    if (remainingMillis() <= 0) {
      throw new StorageUnavailableException("DynamoDB was too slow or throttled: the request ran out of time "
          + doing);
    }
  }

  private static void set(Long nanoTime) {
    if (nanoTime == null) {
      DEADLINE.remove();
    } else {
      DEADLINE.set(nanoTime);
    }
  }
}
