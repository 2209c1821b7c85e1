package io.fwoa.server.config;

import java.util.function.Supplier;

/**
 * A thread-safe supplier that builds its value on first use, once: clients and engines that
 * would otherwise sit on the Lambda's cold path.
 */
public final class Lazy<T> implements Supplier<T> {

  private final Supplier<T> factory;
  private volatile T value;

  private Lazy(Supplier<T> factory) {
    this.factory = factory;
  }

  public static <T> Lazy<T> of(Supplier<T> factory) {
    return factory instanceof Lazy<T> lazy ? lazy : new Lazy<>(factory);
  }

  @Override
  public T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        v = value;
        if (v == null) {
          v = factory.get();
          value = v;
        }
      }
    }
    return v;
  }
}
