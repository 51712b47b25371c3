package io.slipway.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuiltServiceTest {

  private static final String DIGEST = "sha256:" + "c".repeat(64);

  @Test
  void malformedDigestIsRejected() {
    assertThatThrownBy(
            () -> new BuiltService("web", "acme/sensors/web", "sha256:abc", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Index digest 'sha256:abc' of service 'web'");
  }

  @Test
  void environmentKeepsComposeOrder() {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("ZONE", "eu");
    environment.put("ALPHA", "1");

    BuiltService service =
        new BuiltService("web", "acme/sensors/web", DIGEST, environment, null, null);

    assertThat(service.environment().keySet()).containsExactly("ZONE", "ALPHA");
  }
}
