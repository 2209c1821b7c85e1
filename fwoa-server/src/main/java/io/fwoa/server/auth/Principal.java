package io.fwoa.server.auth;

import io.fwoa.server.auth.smart.SmartToken;
import java.util.Set;

/**
 * Who is calling, as established from a verified token.
 *
 * @param subject the token's subject
 * @param username the user name, if the token has one
 * @param groups the Cognito groups ({@code cognito:groups})
 * @param tenant the tenant claim ({@code custom:tenantId}, or SMART's configured claim), or null
 * @param tokenUse the token's {@code token_use} ({@code id} or {@code access}), or null
 * @param smart what a SMART access token grants, or null for Cognito callers
 */
public record Principal(String subject, String username, Set<String> groups, String tenant, String tokenUse,
    SmartToken smart) {

  public Principal {
    groups = groups == null ? Set.of() : Set.copyOf(groups);
  }

  public Principal(String subject, String username, Set<String> groups, String tenant, String tokenUse) {
    this(subject, username, groups, tenant, tokenUse, null);
  }

  public Principal(String subject, String username, Set<String> groups, String tenant) {
    this(subject, username, groups, tenant, null, null);
  }
}
