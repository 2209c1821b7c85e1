package io.fwoa.server.auth.smart;

import io.fwoa.server.auth.Interaction;
import io.fwoa.server.auth.Reach;
import io.fwoa.server.auth.SearchRestriction;
import io.fwoa.server.auth.SearchRestriction.Alternative;
import io.fwoa.server.auth.smart.SmartScope.Permission;
import io.fwoa.server.search.query.GranularMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Resource;

/**
 * How far a SMART token reaches: the union, over the token's usable scopes that allow an
 * interaction on a type, of what each scope reaches. A {@code patient/} scope reaches the
 * compartment of the patient in context; a {@code user/} scope reaches everything, or the
 * compartment of the user when {@code fhirUser} is a Patient; a {@code system/} scope reaches
 * everything; a granular scope further only the resources its query matches.
 *
 * <p>Binary is in no compartment: a compartment-bound scope reaches a Binary whose
 * {@code securityContext} is the patient or a resource in the patient's compartment (FHIR's way
 * of saying whose content it is); any other Binary is out of reach.
 */
public final class SmartReach implements Reach {

  private static final Pattern PATIENT_USER = Pattern.compile("(?:.*/)?Patient/([A-Za-z0-9\\-.]{1,64})");

  private final SmartToken token;
  private final Function<String, Resource> current;
  private final String userPatient;

  /**
   * @param current the current version of a resource by relative reference ({@code Patient/1}),
   *     or null (for Binary's securityContext)
   */
  public SmartReach(SmartToken token, Function<String, Resource> current) {
    this.token = token;
    this.current = current;
    Matcher m = token.fhirUser() == null ? null : PATIENT_USER.matcher(token.fhirUser());
    this.userPatient = m != null && m.matches() ? m.group(1) : null;
  }

  @Override
  public boolean unrestricted() {
    for (SmartScope s : token.scopes()) {
      if (SmartGrants.usable(token, s) && (patientOf(s) != null || s.granular())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean permits(Interaction interaction, Resource resource) {
    Permission needed = SmartGrants.permission(interaction);
    return needed != null && reaches(resource, needed);
  }

  @Override
  public boolean sees(Resource resource) {
    return reaches(resource, null);
  }

  @Override
  public SearchRestriction restriction(String type) {
    List<Alternative> out = new ArrayList<>();
    for (SmartScope s : scopes(Permission.SEARCH, type)) {
      String patient = patientOf(s);
      if (patient == null && !s.granular()) {
        return null;
      }
      out.add(new Alternative(patient, s.query()));
    }
    return new SearchRestriction(out);
  }

  @Override
  public String describe() {
    String patient = token.patient() != null ? token.patient() : userPatient;
    return patient == null ? "the resources the token's scopes match"
        : "Patient/" + patient + "'s compartment (and the resources its scopes match)";
  }

  /** @param needed the permission, or null for any */
  private boolean reaches(Resource resource, Permission needed) {
    for (SmartScope s : scopes(needed, resource.fhirType())) {
      String patient = patientOf(s);
      if ((patient == null || inCompartment(resource, patient))
          && (!s.granular() || GranularMatch.matches(resource, s.query()))) {
        return true;
      }
    }
    return false;
  }

  private boolean inCompartment(Resource resource, String patient) {
    if (resource instanceof Binary b) {
      if (!b.hasSecurityContext() || !b.getSecurityContext().hasReference()) {
        return false;
      }
      String ref = b.getSecurityContext().getReference();
      if (ref.equals("Patient/" + patient)) {
        return true;
      }
      Resource context = ref.startsWith("Binary/") ? null : current.apply(ref);
      return context != null && PatientCompartment.contains(context, patient);
    }
    return PatientCompartment.contains(resource, patient);
  }

  private List<SmartScope> scopes(Permission needed, String type) {
    List<SmartScope> out = new ArrayList<>();
    for (SmartScope s : token.scopes()) {
      if ((needed == null || s.allows(needed)) && s.covers(type) && SmartGrants.usable(token, s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Whose compartment a scope is bound to, or null for none. */
  private String patientOf(SmartScope s) {
    return switch (s.context()) {
      case PATIENT -> token.patient();
      case USER -> userPatient;
      case SYSTEM -> null;
    };
  }
}
