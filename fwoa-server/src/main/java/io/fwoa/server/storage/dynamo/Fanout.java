package io.fwoa.server.storage.dynamo;

import io.fwoa.server.storage.RequestDeadline;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs independent DynamoDB calls of one request in parallel on a small fixed pool, and waits
 * for all of them.
 *
 * <p>A task never waits on work queued to this pool: when {@link #all} is called from one of
 * the pool's own threads, the tasks run inline on that thread, one after the other. Nested
 * fan-outs (a task whose work fans out again) therefore cannot exhaust the pool and deadlock,
 * whatever the callers do; only threads outside the pool ever block on it. Tasks run under the
 * caller's {@link RequestDeadline}, so each ends by it.
 */
final class Fanout implements AutoCloseable {

  /** Threads of one pool, so {@link #all} can tell when it is called from inside it. */
  private final class PoolThread extends Thread {
    PoolThread(Runnable r, String name) {
      super(r, name);
      setDaemon(true);
    }

    Fanout owner() {
      return Fanout.this;
    }
  }

  private final ExecutorService pool;

  Fanout(String name, int parallelism) {
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(parallelism, r -> new PoolThread(r, name + "-" + n.incrementAndGet()));
  }

  /** True on one of this pool's threads. */
  boolean inPool() {
    return Thread.currentThread() instanceof PoolThread t && t.owner() == this;
  }

  /** Runs every task and waits for all; rethrows the first failure once all have ended. */
  void run(List<Runnable> tasks) {
    List<Supplier<Void>> calls = new ArrayList<>(tasks.size());
    for (Runnable t : tasks) {
      calls.add(() -> {
        t.run();
        return null;
      });
    }
    all(calls);
  }

  /**
   * The results of every task, in order. Runs them inline when there is one task or when called
   * from this pool; otherwise in parallel on the pool. Every task ends before this returns, also
   * when one fails (the first failure is rethrown), so no task of a request outlives it.
   */
  <T> List<T> all(List<Supplier<T>> tasks) {
    List<T> out = new ArrayList<>(tasks.size());
    if (tasks.size() <= 1 || inPool()) {
      for (Supplier<T> t : tasks) {
        out.add(t.get());
      }
      return out;
    }
    // The request's deadline goes with its tasks: they give up when the request has to.
    Long deadline = RequestDeadline.current();
    List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
    for (Supplier<T> t : tasks) {
      futures.add(CompletableFuture.supplyAsync(() -> {
        try (RequestDeadline.Scope s = RequestDeadline.at(deadline)) {
          return t.get();
        }
      }, pool));
    }
    RuntimeException first = null;
    for (CompletableFuture<T> f : futures) {
      try {
        out.add(f.join());
      } catch (CompletionException e) {
        if (first == null) {
          first = e.getCause() instanceof RuntimeException r ? r : e;
        }
        out.add(null);
      }
    }
    if (first != null) {
      throw first;
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
