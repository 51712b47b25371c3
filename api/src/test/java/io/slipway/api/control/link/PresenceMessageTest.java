package io.slipway.api.control.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PresenceMessageTest {

  private static Optional<Boolean> parse(String payload) {
    return PresenceMessage.parseOnline(payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void onlineAndOfflineAreRead() {
    assertThat(parse("{\"online\": true, \"agentVersion\": \"0.1.0\"}")).contains(true);
    assertThat(parse("{\"online\": false}")).contains(false);
  }

  @Test
  void malformedPresenceIsEmpty() {
    assertThat(parse("online")).isEmpty();
    assertThat(parse("{\"online\": \"yes\"}")).isEmpty();
    assertThat(parse("{}")).isEmpty();
    assertThat(parse("[true]")).isEmpty();
  }
}
