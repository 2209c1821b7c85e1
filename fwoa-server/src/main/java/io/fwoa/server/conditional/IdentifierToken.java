package io.fwoa.server.conditional;

import io.fwoa.server.api.FhirException;
import java.util.List;
import org.hl7.fhir.r4.model.Identifier;

/**
 * A token search value for {@code identifier}: {@code value} (any system), {@code system|value}, or
 * {@code |value} (no system).
 *
 * @param system required system, "" for "no system", or null for any
 * @param value required value
 */
public record IdentifierToken(String system, String value) {

  public static IdentifierToken parse(String token) {
    int bar = token.indexOf('|');
    String system = bar < 0 ? null : token.substring(0, bar);
    String value = bar < 0 ? token : token.substring(bar + 1);
    if (value.isEmpty()) {
      throw FhirException.notSupported("identifier=" + token + ": a value is required in conditional operations");
    }
    return new IdentifierToken(system, value);
  }

  public boolean matches(Identifier identifier) {
    if (!value.equals(identifier.getValue())) {
      return false;
    }
    if (system == null) {
      return true;
    }
    String actual = identifier.getSystem();
    return system.isEmpty() ? actual == null || actual.isEmpty() : system.equals(actual);
  }

  public boolean matchesAny(List<Identifier> identifiers) {
    return identifiers.stream().anyMatch(this::matches);
  }
}
