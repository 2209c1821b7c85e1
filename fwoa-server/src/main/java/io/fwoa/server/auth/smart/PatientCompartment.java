package io.fwoa.server.auth.smart;

import ca.uhn.fhir.context.RuntimeSearchParam;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.search.params.FhirPaths;
import io.fwoa.server.search.params.References;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Membership in a patient's compartment, as the R4 Patient CompartmentDefinition (which HAPI
 * ships) defines it: a resource is in Patient/x's compartment when one of the parameters the
 * definition lists for its type refers to Patient/x, and Patient/x is in its own. Types the
 * definition does not list are in no patient's compartment. Only relative references count (what
 * fwoa stores); an absolute one may name another server's patient of the same id.
 */
public final class PatientCompartment {

  private static final Map<String, List<ExpressionNode>> PATHS = new ConcurrentHashMap<>();

  private PatientCompartment() {}

  /** The names of the parameters that put a {@code type} in a patient's compartment (empty: never). */
  public static List<String> parameters(String type) {
    List<String> out = new ArrayList<>();
    var definition = Fhir.context().getResourceDefinition(type);
    for (RuntimeSearchParam p : definition.getSearchParamsForCompartmentName("Patient")) {
      out.add(p.getName());
    }
    return out;
  }

  /** Whether {@code resource} is in the compartment of {@code Patient/patientId}. */
  public static boolean contains(Resource resource, String patientId) {
    String type = resource.fhirType();
    if (type.equals("Patient") && patientId.equals(resource.getIdElement().getIdPart())) {
      return true;
    }
    for (ExpressionNode path : PATHS.computeIfAbsent(type, PatientCompartment::paths)) {
      for (Base value : FhirPaths.get().evaluate(resource, resource, path)) {
        if (value instanceof Reference r && r.hasReference()) {
          References.Parsed ref = References.parse(r.getReference());
          if (ref != null && ref.base() == null && ref.type().equals("Patient") && ref.id().equals(patientId)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static List<ExpressionNode> paths(String type) {
    List<ExpressionNode> out = new ArrayList<>();
    for (String name : parameters(type)) {
      SearchParam p = SearchParams.find(type, name);
      if (p == null || p.expression() == null) {
        continue;
      }
      for (String branch : SearchParams.split(p.expression())) {
        out.add(FhirPaths.get().parse(branch));
      }
    }
    return List.copyOf(out);
  }
}
