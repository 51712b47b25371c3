package io.slipway.api.control.link;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a device's presence message, {@code {"online": true, "agentVersion": "0.1.0"}} after each
 * connect or {@code {"online": false}} as its last will. Fields other than {@code online} are
 * ignored.
 */
final class PresenceMessage {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private PresenceMessage() {}

  /** Returns the {@code online} flag, or empty when the payload is not such a JSON object. */
  static Optional<Boolean> parseOnline(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JacksonException e) {
      return Optional.empty();
    }
    JsonNode online = root == null ? null : root.get("online");
    if (online == null || !online.isBoolean()) {
      return Optional.empty();
    }
    return Optional.of(online.booleanValue());
  }
}
