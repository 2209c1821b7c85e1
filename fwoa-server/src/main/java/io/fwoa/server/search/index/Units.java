package io.fwoa.server.search.index;

import java.io.InputStream;
import java.math.BigDecimal;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * UCUM canonical units, so that a quantity search in one unit finds values stored in another
 * ("5 mg" finds "5000 ug"). Loaded on first use.
 */
public final class Units {

  public static final String UCUM = "http://unitsofmeasure.org";

  /** A value in canonical units. */
  public record Canonical(double value, String unit) {}

  private static volatile UcumEssenceService service;
  private static volatile boolean unavailable;

  private Units() {}

  /** The canonical form of a UCUM quantity, or null if the unit is not valid UCUM. */
  public static Canonical canonical(BigDecimal value, String code) {
    if (value == null || code == null || code.isBlank()) {
      return null;
    }
    UcumEssenceService s = service();
    if (s == null) {
      return null;
    }
    try {
      Pair p = s.getCanonicalForm(new Pair(new Decimal(value.toPlainString()), code));
      if (p == null || p.getValue() == null) {
        return null;
      }
      return new Canonical(Double.parseDouble(p.getValue().asDecimal()), p.getCode());
    } catch (UcumException | RuntimeException e) {
      return null;
    }
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
