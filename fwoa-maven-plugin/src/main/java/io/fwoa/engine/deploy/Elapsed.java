package io.fwoa.engine.deploy;

/** Elapsed time as m:ss (or h:mm:ss), the format of every progress line. */
public final class Elapsed {

  private Elapsed() {}

  public static String format(long millis) {
    long s = Math.max(0, millis) / 1000;
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    return h > 0 ? String.format("%d:%02d:%02d", h, m, sec) : String.format("%2d:%02d", m, sec);
  }
}
