package io.fwoa.server.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;

/** The business identifiers of a resource (its {@code identifier} element, single or repeating). */
public final class Identifiers {

  private Identifiers() {}

  public static List<Identifier> of(IBaseResource resource) {
    RuntimeResourceDefinition def = Fhir.context().getResourceDefinition(resource);
    BaseRuntimeChildDefinition child = def.getChildByName("identifier");
    List<Identifier> out = new ArrayList<>();
    if (child != null) {
      for (IBase value : child.getAccessor().getValues(resource)) {
        if (value instanceof Identifier id) {
          out.add(id);
        }
      }
    }
    return out;
  }

  /** Identifier values, for the conditional-operation index. */
  public static Set<String> values(IBaseResource resource) {
    Set<String> values = new LinkedHashSet<>();
    for (Identifier id : of(resource)) {
      if (id.hasValue()) {
        values.add(id.getValue());
      }
    }
    return values;
  }
}
