package io.slipway.agent.terminal;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON control messages in a terminal's text frames: {@code resize} from the user, {@code exit}
 * and {@code error} from the device. Unknown fields are ignored. Stateless and thread-safe.
 */
final class TerminalMessages {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TerminalMessages() {}

  /** A terminal's size in columns and rows. */
  record Size(int cols, int rows) {

    Size {
      if (cols < 1 || rows < 1 || cols > Short.MAX_VALUE || rows > Short.MAX_VALUE) {
        throw new IllegalArgumentException(
            "Terminal size " + cols + "x" + rows + " is invalid: use 1 to 32767 columns and rows");
      }
    }
  }

  /**
   * Reads a control message; returns the new size of a {@code resize}, or null for another type.
   *
   * @throws IllegalArgumentException naming the value when the message is not valid
   */
  static Size resize(String message) {
    JsonNode root;
    try {
      root = JSON.readTree(message);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "Terminal message is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Terminal message is not a JSON object");
    }
    JsonNode type = root.get("type");
    if (type == null || !"resize".equals(type.asString(null))) {
      return null;
    }
    return new Size(number(root, "cols"), number(root, "rows"));
  }

  /** Writes {@code {"type":"exit","code":N}}. */
  static String exit(int code) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "exit");
    node.put("code", code);
    return JSON.writeValueAsString(node);
  }

  /** Writes {@code {"type":"error","message":...}}. */
  static String error(String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "error");
    node.put("message", message);
    return JSON.writeValueAsString(node);
  }

  private static int number(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new IllegalArgumentException(
          "Terminal message field " + field + " is missing or not a whole number");
    }
    return node.intValue();
  }
}
