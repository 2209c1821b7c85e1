package io.fwoa.server.search.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UnitsTest {

  private static Units.Canonical canonical(String value, String unit) {
    return Units.canonical(new BigDecimal(value), unit);
  }

  @Test
  void convertsToBaseUnitsWithDefinedFactors() {
    // Factors from the UCUM definitions: 1 [lb_av] = 453.59237 g, 1 [in_i] = 2.54 cm.
    assertThat(canonical("5.4", "mg")).isEqualTo(new Units.Canonical(0.0054, "g"));
    assertThat(canonical("2", "[lb_av]").value()).isCloseTo(907.18474, within(1e-9));
    assertThat(canonical("2", "[lb_av]").unit()).isEqualTo("g");
    assertThat(canonical("10", "[in_i]").value()).isCloseTo(0.254, within(1e-12));
    assertThat(canonical("10", "[in_i]").unit()).isEqualTo("m");
  }

  @Test
  void theSameQuantityInDifferentUnitsHasOneCanonicalForm() {
    // Asked twice for each unit: the second answer comes from the cached factor.
    for (int i = 0; i < 2; i++) {
      assertThat(canonical("100", "mg/dL")).isEqualTo(canonical("1", "g/L"));
      assertThat(canonical("5000", "ug")).isEqualTo(canonical("5", "mg"));
    }
  }

  @Test
  void unitsWithOffsetsAndInvalidUnitsHaveNone() {
    assertThat(canonical("37", "Cel")).isNull();
    assertThat(canonical("37", "Cel")).isNull();
    assertThat(canonical("3", "furlongs per fortnight")).isNull();
    assertThat(canonical("3", " ")).isNull();
  }
}
