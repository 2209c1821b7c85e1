package io.fwoa.server.auth.smart;

import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.Authenticator;
import io.fwoa.server.auth.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SMART on FHIR callers: a verified access token becomes a {@link Principal} carrying what the
 * token grants. The token's audience must name this server: the configured audiences, else the
 * base URL the request addressed (with multi-tenancy also {@code <base>/tenant/<id>} for the URL's
 * tenant, as FWoA accepted).
 */
public final class SmartAuthenticator implements Authenticator {

  private static final String TENANT_PREFIX = "/tenant/";

  private final SmartTokenVerifier verifier;
  private final JWKSource<SecurityContext> keys;
  private final List<String> audiences;

  /**
   * @param audiences configured audiences, or empty for the request's base URL
   */
  public SmartAuthenticator(SmartTokenVerifier verifier, JWKSource<SecurityContext> keys, List<String> audiences) {
    this.verifier = verifier;
    this.keys = keys;
    this.audiences = List.copyOf(audiences);
  }

  @Override
  public Principal authenticate(ApiRequest request) {
    SmartToken token = verifier.verify(request.header("Authorization"), audiences(request));
    return new Principal(token.subject(), null, Set.of(), token.tenant(), null, token);
  }

  private List<String> audiences(ApiRequest request) {
    if (!audiences.isEmpty()) {
      return audiences;
    }
    String base = request.baseUrl();
    if (base == null) {
      throw FhirException.unauthorized("Unauthorized: this request's base URL is unknown, so the token's audience "
          + "cannot be checked; set SMART_AUDIENCE");
    }
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    List<String> out = new ArrayList<>(List.of(base));
    String path = request.path();
    if (path.startsWith(TENANT_PREFIX)) {
      int end = path.indexOf('/', TENANT_PREFIX.length());
      out.add(base + (end < 0 ? path : path.substring(0, end)));
    }
    return out;
  }

  /** Fetches the issuer's keys before the first request (and before a SnapStart snapshot). */
  @Override
  public void warmUp() {
    try {
      keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
    } catch (Exception e) {
      // The issuer is unreachable now; the first request fetches the keys instead.
    }
  }
}
