package io.slipway.api.control.broker;

import tools.jackson.databind.JsonNode;

/**
 * Mosquitto's response to one dynamic-security command. Immutable.
 *
 * @param command the command's name, such as {@code createClient}
 * @param error the plugin's error text, such as {@code Client already exists}; null on success
 * @param data the command's result, such as the role that {@code getRole} read; a missing node when
 *     the command returns none
 */
record DynamicSecurityResponse(String command, String error, JsonNode data) {

  /** Returns whether the command succeeded. */
  boolean succeeded() {
    return error == null;
  }

  /** Returns whether the command failed with exactly {@code text}. */
  boolean failedWith(String text) {
    return text.equals(error);
  }
}
