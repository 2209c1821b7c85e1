package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This server's base URL as the client addressed it, and the caller's tenant: what an absolute
 * URL inside a request (a bundle entry's URL, a reference) names. Only URLs under this base, and
 * with multi-tenancy only the caller's own {@code /tenant/<id>} below it, are this caller's
 * resources; the same relative path on another host, another base or another tenant is not.
 */
public final class ServerBase {

  private static final String TENANT_SEGMENT = "tenant/";
  /** scheme://authority, path, then query and fragment. */
  private static final Pattern ABSOLUTE = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(.*)",
      Pattern.DOTALL);

  /** Where an absolute URL points. */
  enum Place { CALLER, OTHER_TENANT, ELSEWHERE }

  /**
   * @param place where the URL points
   * @param relative what follows the base ({@code Patient/1?x=y}) for CALLER, the tenant's id for
   *     OTHER_TENANT, null for ELSEWHERE
   */
  record Located(Place place, String relative) {}

  private final String origin;
  private final String path;
  private final String tenant;

  /**
   * @param baseUrl the FHIR base as the client addressed it (scheme://host[:port][/path]), without
   *     any {@code /tenant/<id>}; null when unknown (then no absolute URL is this server's)
   * @param tenant the caller's tenant, or null without multi-tenancy
   */
  public ServerBase(String baseUrl, String tenant) {
    Matcher m = baseUrl == null ? null : ABSOLUTE.matcher(baseUrl.trim());
    if (m != null && m.matches()) {
      this.origin = origin(m.group(1), m.group(2));
      String p = m.group(3);
      this.path = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    } else {
      this.origin = null;
      this.path = null;
    }
    this.tenant = tenant;
  }

  public String tenant() {
    return tenant;
  }

  /**
   * A bundle entry's request URL relative to this base: relative URLs as they are, absolute ones
   * only when they are under this base for the caller's tenant ({@code http://base/Patient/1} →
   * {@code Patient/1}).
   *
   * @throws FhirException 400 for an absolute URL of another server, base or tenant
   */
  public String relative(String url) {
    if (!isAbsolute(url)) {
      return url;
    }
    Located at = locate(url);
    return switch (at.place()) {
      case CALLER -> at.relative();
      case OTHER_TENANT -> throw FhirException.badRequest("The URL '" + url + "' is of tenant '" + at.relative()
          + "'; this request is for tenant '" + tenant + "'");
      case ELSEWHERE -> throw FhirException.badRequest("The URL '" + url + "' is not this server's base ("
          + (origin == null ? "unknown for this request" : origin + path) + "); give a relative URL such as "
          + "Patient/123");
    };
  }

  static boolean isAbsolute(String url) {
    return url != null && ABSOLUTE.matcher(url).matches();
  }

  /** Where an absolute URL points, relative to this base and the caller's tenant. */
  Located locate(String url) {
    Matcher m = ABSOLUTE.matcher(url.trim());
    if (origin == null || !m.matches() || !origin.equals(origin(m.group(1), m.group(2)))) {
      return new Located(Place.ELSEWHERE, null);
    }
    String p = m.group(3);
    if (!p.equals(path) && !p.startsWith(path + "/")) {
      return new Located(Place.ELSEWHERE, null);
    }
    String rest = p.length() > path.length() ? p.substring(path.length() + 1) : "";
    if (tenant != null && rest.startsWith(TENANT_SEGMENT)) {
      int end = rest.indexOf('/', TENANT_SEGMENT.length());
      String named = end < 0 ? rest.substring(TENANT_SEGMENT.length()) : rest.substring(TENANT_SEGMENT.length(), end);
      if (!named.equals(tenant)) {
        return new Located(Place.OTHER_TENANT, named);
      }
      rest = end < 0 ? "" : rest.substring(end + 1);
    }
    return new Located(Place.CALLER, rest + m.group(4));
  }

  /** scheme://host[:port] in lower case, without the scheme's default port. */
  private static String origin(String scheme, String authority) {
    String s = scheme.toLowerCase(Locale.ROOT);
    String a = authority.toLowerCase(Locale.ROOT);
    if (s.equals("https") && a.endsWith(":443") || s.equals("http") && a.endsWith(":80")) {
      a = a.substring(0, a.lastIndexOf(':'));
    }
    return s + "://" + a;
  }
}
