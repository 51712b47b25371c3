package io.slipway.cli.client;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The error body the server sends, {@code {"code": "...", "message": "..."}}, or a stand-in when
 * the body is something else, such as a proxy's HTML page.
 *
 * @param code the stable error code, or {@code UNKNOWN}
 * @param message the server's message, or the start of the body
 */
record ServerError(String code, String message) {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_TEXT = 300;

  static ServerError parse(String body) {
    String text = body == null ? "" : body.strip();
    try {
      JsonNode root = JSON.readTree(text);
      if (root != null && root.has("code") && root.has("message")) {
        return new ServerError(root.path("code").asString(), root.path("message").asString());
      }
    } catch (JacksonException e) {
      // Not JSON: the text itself is the best message there is.
    }
    String shortened = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
    return new ServerError("UNKNOWN", shortened.isEmpty() ? "(empty body)" : shortened);
  }
}
