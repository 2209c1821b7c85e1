package io.fwoa.server.fhir;

/**
 * The decimal numbers fwoa accepts, in resources and in search values: at most
 * {@value #MAX_INTEGER_DIGITS} digits before the decimal point and {@value #MAX_DECIMAL_PLACES}
 * after it, counting the zeros an exponent stands for ({@code 1e249} has 250 digits, {@code 1e250}
 * is refused, so is {@code 1e-301}). HAPI writes decimals out in full, so an exponent that is
 * short to send can make a stored document too long to read back (Jackson refuses numbers longer
 * than 1,000 characters), and turning {@code 1e2147483647} into digits takes minutes. The bounds
 * hold the specification's own decimal test values (&plusmn;1.0E&plusmn;245 in
 * Observation-decimal) and keep every value a finite double for OpenSearch even after a unit
 * conversion (UCUM factors are bounded to 10^&plusmn;50, see {@code search.index.Units}).
 */
public final class Decimals {

  /** Digits before the decimal point: magnitudes below 10^250. */
  public static final int MAX_INTEGER_DIGITS = 250;
  /** Digits after the decimal point. */
  public static final int MAX_DECIMAL_PLACES = 300;
  /** What the limits are, for messages. */
  public static final String LIMITS = "decimals may have at most " + MAX_INTEGER_DIGITS
      + " digits before and " + MAX_DECIMAL_PLACES + " after the decimal point, exponents included"
      + " (magnitude below 1e" + MAX_INTEGER_DIGITS + ")";

  private Decimals() {}

  /**
   * Why a number is not accepted, or null when it is.
   *
   * @param text the number as written: optional sign, digits, optional fraction, optional
   *     exponent (JSON syntax, plus a leading '+' as search values may have)
   */
  public static String problem(CharSequence text) {
    return problem(text, 0, text.length());
  }

  /** {@link #problem(CharSequence)} on a slice of characters, without copying them. */
  public static String problem(char[] chars, int offset, int length) {
    return problem(java.nio.CharBuffer.wrap(chars, offset, length), 0, length);
  }

  private static String problem(CharSequence s, int from, int to) {
    int i = from;
    if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int significant = 0; // digits from the first non-zero one on
    int fraction = 0;
    boolean digits = false;
    boolean point = false;
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits = true;
        if (significant > 0 || c != '0') {
          significant++;
        }
        if (point) {
          fraction++;
        }
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (!digits) {
      return "'" + s.subSequence(from, to) + "' is not a number";
    }
    long exponent = 0;
    if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      boolean negative = false;
      if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        negative = s.charAt(i) == '-';
        i++;
      }
      int start = i;
      for (; i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
        exponent = exponent * 10 + (s.charAt(i) - '0');
        if (exponent > 1_000_000) {
          return outOfRange(s, from, to);
        }
      }
      if (i == start) {
        return "'" + s.subSequence(from, to) + "' is not a number";
      }
      exponent = negative ? -exponent : exponent;
    }
    if (i != to) {
      return "'" + s.subSequence(from, to) + "' is not a number";
    }
    long precision = Math.max(significant, 1);
    long scale = fraction - exponent;
    if (scale > MAX_DECIMAL_PLACES || precision - scale > MAX_INTEGER_DIGITS) {
      return outOfRange(s, from, to);
    }
    return null;
  }

  private static String outOfRange(CharSequence s, int from, int to) {
    CharSequence text = to - from > 40 ? s.subSequence(from, from + 40) + "..." : s.subSequence(from, to);
    return text + " is out of range: " + LIMITS;
  }
}
