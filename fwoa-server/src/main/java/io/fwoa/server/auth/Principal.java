package io.fwoa.server.auth;

import java.util.Set;

/**
 * Who is calling, as established from a verified token.
 *
 * @param subject the token's subject
 * @param username the user name, if the token has one
 * @param groups the Cognito groups ({@code cognito:groups})
 * @param tenant the tenant claim ({@code custom:tenantId}), or null
 * @param tokenUse the token's {@code token_use} ({@code id} or {@code access}), or null
 */
public record Principal(String subject, String username, Set<String> groups, String tenant, String tokenUse) {

  public Principal {
    groups = groups == null ? Set.of() : Set.copyOf(groups);
  }

  public Principal(String subject, String username, Set<String> groups, String tenant) {
    this(subject, username, groups, tenant, null);
  }
}
