package io.fwoa.server.auth;

import io.fwoa.server.api.FhirException;
import java.util.Set;

/**
 * FWoA's role-based access control on Cognito groups.
 *
 * <ul>
 *   <li>{@code practitioner}: every interaction on every type.
 *   <li>{@code non-practitioner}: read-only (read, vread, history, search) on every type.
 *   <li>{@code auditor}: read-only on the audit-relevant types {@link #AUDIT_TYPES}.
 * </ul>
 *
 * A caller in no group may do nothing.
 */
public final class RbacAuthorizer implements Authorizer {

  public static final String PRACTITIONER = "practitioner";
  public static final String NON_PRACTITIONER = "non-practitioner";
  public static final String AUDITOR = "auditor";

  /** What an auditor may read: FWoA gave auditors Patient; audit trails add AuditEvent and Provenance. */
  public static final Set<String> AUDIT_TYPES = Set.of("AuditEvent", "Provenance", "Patient");

  @Override
  public void authorize(Principal principal, Interaction interaction, String type) {
    Set<String> groups = principal.groups();
    if (groups.contains(PRACTITIONER)) {
      return;
    }
    if (interaction.readOnly()) {
      if (groups.contains(NON_PRACTITIONER)) {
        return;
      }
      if (groups.contains(AUDITOR) && type != null && AUDIT_TYPES.contains(type)) {
        return;
      }
    }
    String what = type == null ? interaction.name().toLowerCase() : interaction.name().toLowerCase() + " on " + type;
    throw FhirException.forbidden("Forbidden: groups " + groups + " do not allow " + what);
  }
}
