package io.fwoa.server.auth;

import java.util.Set;

/**
 * Who is calling, as established from a verified token.
 *
 * @param subject the token's subject
 * @param username the user name, if the token has one
 * @param groups the Cognito groups ({@code cognito:groups})
 * @param tenant the tenant claim ({@code custom:tenantId}), or null
 */
public record Principal(String subject, String username, Set<String> groups, String tenant) {

  public Principal {
    groups = groups == null ? Set.of() : Set.copyOf(groups);
  }
}
