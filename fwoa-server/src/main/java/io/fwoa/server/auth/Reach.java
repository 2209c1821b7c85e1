package io.fwoa.server.auth;

import org.hl7.fhir.r4.model.Resource;

/**
 * Which resources a caller's access reaches, for the interactions the {@link Authorizer} lets it
 * perform: a SMART patient token reaches its patient's compartment, a granular scope the resources
 * its query matches. Cognito roles and unrestricted scopes reach everything ({@link #ALL}).
 */
public interface Reach {

  /** Every resource of the types the caller may use. */
  Reach ALL = new Reach() {
    @Override
    public boolean unrestricted() {
      return true;
    }

    @Override
    public boolean permits(Interaction interaction, Resource resource) {
      return true;
    }

    @Override
    public boolean sees(Resource resource) {
      return true;
    }

    @Override
    public SearchRestriction restriction(String type) {
      return null;
    }

    @Override
    public String describe() {
      return "everything";
    }
  };

  /** True when nothing is restricted (the checks below can be skipped). */
  boolean unrestricted();

  /** Whether the scopes that allow {@code interaction} on the resource's type reach this resource. */
  boolean permits(Interaction interaction, Resource resource);

  /** Whether any of the caller's scopes reaches this resource (conditional operations act on these only). */
  boolean sees(Resource resource);

  /** What a search of {@code type} must be limited to, or null when nothing. */
  SearchRestriction restriction(String type);

  /** For messages: how far access reaches ("Patient/123's compartment"). */
  String describe();
}
