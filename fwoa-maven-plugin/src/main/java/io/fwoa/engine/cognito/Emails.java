package io.fwoa.engine.cognito;

import java.util.regex.Pattern;

/** Email address checks, strict enough to catch typos before Cognito (and OpenSearch Dashboards) see them. */
final class Emails {

  // local@domain.tld: no spaces, one @, a dot in the domain, labels of letters, digits and hyphens.
  private static final Pattern EMAIL = Pattern.compile(
      "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");

  private Emails() {}

  static void validate(String email) {
    if (email == null || email.isBlank()) {
      throw new CognitoUserException("An email address is required (-Dfwoa.email=you@example.org).");
    }
    if (email.length() > 254 || !EMAIL.matcher(email).matches() || email.startsWith(".") || email.contains("..")
        || email.substring(0, email.indexOf('@')).endsWith(".")) {
      throw new CognitoUserException("'" + email + "' is not a valid email address (fix -Dfwoa.email=).");
    }
  }
}
