package io.fwoa.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** ENFORCE_REFERENTIAL_INTEGRITY: off unless set to true; a value that is neither is refused, not read as off. */
class ReferentialIntegritySettingTest {

  @Test
  void offByDefaultOnWhenTrueAndRefusedWhenNeither() {
    String name = ServerConfig.ENFORCE_REFERENTIAL_INTEGRITY;
    assertThat(ServerConfig.fromEnvironment(Map.of()).enforceReferentialIntegrity()).isFalse();
    assertThat(ServerConfig.fromEnvironment(Map.of(name, "false")).enforceReferentialIntegrity()).isFalse();
    assertThat(ServerConfig.fromEnvironment(Map.of(name, "TRUE")).enforceReferentialIntegrity()).isTrue();
    assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(name, "yes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name).hasMessageContaining("'yes'");
  }
}
