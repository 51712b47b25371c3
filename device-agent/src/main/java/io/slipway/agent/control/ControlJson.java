package io.slipway.agent.control;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of the control channel's messages: reads commands and writes acknowledgements and
 * presence. Unknown fields are ignored. Stateless and thread-safe.
 */
public final class ControlJson {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ControlJson() {}

  /**
   * Reads one command.
   *
   * @throws IllegalArgumentException naming the field at fault when the payload is not a valid
   *     command
   */
  public static Command command(byte[] payload) {
    JsonNode root = object(payload);
    String type = text(root, "type");
    return new Command(
        text(root, "id"),
        type == null ? null : CommandType.of(type),
        text(root, "service"),
        instant(root, "deadline"),
        terminal(root.get("terminal")));
  }

  /**
   * Returns the command id of a payload that is JSON with a string {@code id}, or null, so that a
   * command the agent cannot read can still be acknowledged.
   */
  public static String commandId(byte[] payload) {
    try {
      JsonNode id = JSON.readTree(payload).get("id");
      return id != null && id.isString() ? id.asString() : null;
    } catch (JacksonException | NullPointerException e) {
      return null;
    }
  }

  /** Writes an acknowledgement: {@code {"type":"ack","commandId","ok","result","error"}}. */
  public static byte[] ack(Ack ack) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "ack");
    node.put("commandId", ack.commandId());
    node.put("ok", ack.ok());
    node.put("result", ack.result());
    node.put("error", ack.error());
    return JSON.writeValueAsBytes(node);
  }

  /** Writes the presence after a connect: {@code {"online":true,"agentVersion":...}}. */
  public static byte[] online(String agentVersion) {
    ObjectNode node = JSON.createObjectNode();
    node.put("online", true);
    node.put("agentVersion", agentVersion);
    return JSON.writeValueAsBytes(node);
  }

  /** Writes the presence of the last will: {@code {"online":false}}. */
  public static byte[] offline() {
    ObjectNode node = JSON.createObjectNode();
    node.put("online", false);
    return JSON.writeValueAsBytes(node);
  }

  private static TerminalRequest terminal(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("terminal is not a JSON object");
    }
    return new TerminalRequest(
        text(node, "path"),
        text(node, "token"),
        text(node, "service"),
        number(node, "cols"),
        number(node, "rows"));
  }

  private static JsonNode object(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "The message is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("The message is not a JSON object");
    }
    return root;
  }

  private static String text(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return node.asString();
  }

  private static int number(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new IllegalArgumentException(field + " is missing or not a whole number");
    }
    return node.intValue();
  }

  private static Instant instant(JsonNode parent, String field) {
    String value = text(parent, field);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          field + " '" + value + "' is not an ISO-8601 instant such as 2026-12-05T10:00:30Z");
    }
  }
}
