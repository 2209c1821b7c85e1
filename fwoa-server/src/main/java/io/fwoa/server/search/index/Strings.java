package io.fwoa.server.search.index;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** String normalization for search: case- and accent-insensitive, whitespace collapsed. */
public final class Strings {

  /** Longest value kept in a keyword field (OpenSearch refuses terms over 32 KB). */
  public static final int MAX_KEYWORD = 512;

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private Strings() {}

  public static String normalize(String s) {
    String n = Normalizer.normalize(s, Normalizer.Form.NFD);
    n = MARKS.matcher(n).replaceAll("");
    n = SPACE.matcher(n.toLowerCase(Locale.ROOT)).replaceAll(" ").trim();
    return truncate(n);
  }

  public static String truncate(String s) {
    return cut(s, MAX_KEYWORD);
  }

  /**
   * The first {@code max} chars of a string, one fewer if the cut would split a surrogate pair (a
   * lone surrogate is not valid Unicode: JSON writers refuse it).
   */
  public static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }
}
