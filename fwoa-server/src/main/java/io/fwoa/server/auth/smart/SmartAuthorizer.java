package io.fwoa.server.auth.smart;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.Authorizer;
import io.fwoa.server.auth.Interaction;
import io.fwoa.server.auth.Principal;

/**
 * Whether a SMART token's scopes allow an interaction on a type ({@link SmartGrants}); which
 * resources they reach is {@link SmartReach}'s part. Transactions and batches are authorized entry
 * by entry.
 */
public final class SmartAuthorizer implements Authorizer {

  @Override
  public void authorize(Principal principal, Interaction interaction, String type) {
    if (principal.smart() == null) {
      throw FhirException.forbidden("Forbidden: this server accepts SMART on FHIR access tokens only");
    }
    if (interaction == Interaction.TRANSACTION || interaction == Interaction.BATCH) {
      return;
    }
    SmartGrants.allowing(principal.smart(), interaction, type);
  }
}
