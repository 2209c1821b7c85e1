package io.fwoa.server.search.index;

import java.io.InputStream;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * UCUM canonical units, so that a quantity search in one unit finds values stored in another
 * ("5 mg" finds "5000 ug"). Loaded on first use.
 *
 * <p>The UCUM library's decimal arithmetic is slow (it was half of the indexing time), so each
 * unit's conversion factor is computed once, at high precision, and values are multiplied by it.
 * UCUM conversions other than the special units with offsets (Cel, [degF], which the library
 * rejects) are multiplications, so this gives the library's results.
 */
public final class Units {

  public static final String UCUM = "http://unitsofmeasure.org";

  /** A value in canonical units. */
  public record Canonical(double value, String unit) {}

  /** Bounds the cache: units come from user data. */
  private static final int MAX_CACHED_UNITS = 10_000;

  /** A unit's conversion: canonical value = value × factor. */
  private record Factor(BigDecimal factor, String unit) {}

  private static final Map<String, Optional<Factor>> FACTORS = new ConcurrentHashMap<>();
  private static final int MAX_CODE_LENGTH = 64;
  private static final long MAX_NUMBER_PRODUCT = 500;
  private static final int MAX_TERMS = 5;
  private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]+");
  private static volatile UcumEssenceService service;
  private static volatile boolean unavailable;

  private Units() {}

  /** The canonical form of a UCUM quantity, or null if the unit is not valid UCUM. */
  public static Canonical canonical(BigDecimal value, String code) {
    if (value == null || code == null || code.isBlank()) {
      return null;
    }
    Optional<Factor> f = FACTORS.get(code);
    if (f == null) {
      f = Optional.ofNullable(factor(code));
      if (FACTORS.size() < MAX_CACHED_UNITS) {
        FACTORS.put(code, f);
      }
    }
    if (f.isEmpty()) {
      return null;
    }
    // A product beyond double's range cannot be indexed or compared: such a value stays as written.
    double converted = value.multiply(f.get().factor()).doubleValue();
    return Double.isFinite(converted) ? new Canonical(converted, f.get().unit()) : null;
  }

  private static Factor factor(String code) {
    if (!tractable(code)) {
      return null;
    }
    UcumEssenceService s = service();
    if (s == null) {
      return null;
    }
    try {
      Pair p = s.getCanonicalForm(new Pair(new Decimal("1.000000000000000000000000"), code));
      if (p == null || p.getValue() == null) {
        return null;
      }
      return new Factor(new BigDecimal(p.getValue().asDecimal()), p.getCode());
    } catch (UcumException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether UCUM may convert the code in bounded time: its decimal arithmetic slows down sharply
   * with the size of the factor ({@code 10*50} takes 0.7 s, {@code 10*100} 4 s, {@code 10*1000}
   * minutes, sixteen {@code mol} 3 s). Real units stay far below the bounds, annotations aside:
   * at most {@value #MAX_TERMS} terms ({@code mL/min/{1.73_m2}} has 3) and a product of 1 + each
   * number in the code of at most {@value #MAX_NUMBER_PRODUCT} ({@code 10*12/L} has 143).
   */
  static boolean tractable(String code) {
    if (code.length() > MAX_CODE_LENGTH) {
      return false;
    }
    String plain = code.replaceAll("\\{[^}]*}", "");
    if (plain.chars().filter(c -> c == '.' || c == '/').count() >= MAX_TERMS) {
      return false;
    }
    long product = 1;
    for (java.util.regex.Matcher m = DIGITS.matcher(plain); m.find(); ) {
      if (m.group().length() > 3) {
        return false;
      }
      product *= 1 + Integer.parseInt(m.group());
      if (product > MAX_NUMBER_PRODUCT) {
        return false;
      }
    }
    return true;
  }

  private static UcumEssenceService service() {
    if (service == null && !unavailable) {
      synchronized (Units.class) {
        if (service == null && !unavailable) {
          try (InputStream in = Units.class.getResourceAsStream("/ucum-essence.xml")) {
            if (in == null) {
              unavailable = true;
            } else {
              service = new UcumEssenceService(in);
            }
          } catch (Exception e) {
            unavailable = true;
          }
        }
      }
    }
    return service;
  }
}
