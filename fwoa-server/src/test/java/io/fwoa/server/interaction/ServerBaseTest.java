package io.fwoa.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.server.api.FhirException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What an entry URL means against the base the client used (https://api.example.org/dev) for a
 * caller of tenant t1 (the rule batch entries and transaction entries share).
 */
class ServerBaseTest {

  private final ServerBase multiTenant = new ServerBase("https://api.example.org/dev", "t1");
  private final ServerBase singleTenant = new ServerBase("https://api.example.org/dev/", null);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      "Patient/1 ; Patient/1",
      "Patient?identifier=a|b ; Patient?identifier=a|b",
      "https://api.example.org/dev/Patient/1 ; Patient/1",
      "HTTPS://API.example.org:443/dev/Patient/1/_history/2 ; Patient/1/_history/2",
      "https://api.example.org/dev/tenant/t1/Patient/1 ; Patient/1",
      "https://api.example.org/dev/tenant/t1/Patient?identifier=a|b ; Patient?identifier=a|b",
  })
  void theCallersOwnUrlsAreRelativeToTheBase(String url, String relative) {
    assertThat(multiTenant.relative(url)).isEqualTo(relative);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "https://elsewhere.example/Patient/1 | not this server's base",
      "https://elsewhere.example/dev/Patient/1 | not this server's base",
      "http://api.example.org/dev/Patient/1 | not this server's base",
      "https://api.example.org:8443/dev/Patient/1 | not this server's base",
      "https://api.example.org/prod/Patient/1 | not this server's base",
      "https://api.example.org/devx/Patient/1 | not this server's base",
      "https://user@api.example.org/dev/Patient/1 | not this server's base",
      "https://api.example.org/dev/tenant/t2/Patient/1 | tenant 't2'",
  })
  void otherServersBasesAndTenantsAreRefused(String url, String message) {
    assertThatThrownBy(() -> multiTenant.relative(url)).isInstanceOf(FhirException.class)
        .hasMessageContaining(url).hasMessageContaining(message)
        .satisfies(e -> assertThat(((FhirException) e).status()).isEqualTo(400));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "https://api.example.org/dev/Patient/1 | CALLER | Patient/1",
      "https://api.example.org/dev/tenant/t9/Patient/1 | CALLER | tenant/t9/Patient/1",
      "https://elsewhere.example/dev/Patient/1 | ELSEWHERE | ",
  })
  void withoutMultiTenancyATenantPathIsJustAPath(String url, ServerBase.Place place, String relative) {
    assertThat(singleTenant.locate(url)).isEqualTo(new ServerBase.Located(place, relative));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"https://api.example.org/dev/Patient/1", "http://127.0.0.1/Patient/1"})
  void withoutAKnownBaseNoAbsoluteUrlIsThisServers(String url) {
    assertThatThrownBy(() -> new ServerBase(null, null).relative(url)).isInstanceOf(FhirException.class)
        .hasMessageContaining("unknown for this request");
  }
}
