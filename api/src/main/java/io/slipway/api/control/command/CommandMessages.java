package io.slipway.api.control.command;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of the control channel's command messages, server to device, and of acknowledgements,
 * device to server (see docs/control-channel.md, section Messages). Thread-safe.
 */
final class CommandMessages {

  /** Fields the server sets on every command; parameters may not replace them. */
  static final Set<String> RESERVED = Set.of("id", "type", "service", "deadline");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private CommandMessages() {}

  /**
   * Returns the message that requests a device to carry out {@code command}: its id, type, service
   * (left out when null) and deadline, then {@code parameters}.
   *
   * @throws IllegalArgumentException when a parameter is named like one of the fields above
   */
  static byte[] command(Command command, Map<String, Object> parameters) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("id", command.id());
    message.put("type", command.type().wireName());
    if (command.service() != null) {
      message.put("service", command.service());
    }
    message.put("deadline", command.deadline().toString());

    if (parameters != null) {
      parameters.forEach(
          (name, value) -> {
            if (RESERVED.contains(name)) {
              throw new IllegalArgumentException(
                  "Command parameter '"
                      + name
                      + "' would replace a field the server sets; name it otherwise");
            }
            message.put(name, value);
          });
    }
    return JSON.writeValueAsBytes(message);
  }

  /** Returns an {@code update} message with {@code id}, for which no command is stored. */
  static byte[] update(String id, Instant deadline) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("id", id);
    message.put("type", CommandType.UPDATE.wireName());
    message.put("deadline", deadline.toString());
    return JSON.writeValueAsBytes(message);
  }

  /**
   * Reads a device event.
   *
   * @return the acknowledgement, or empty for an event of another type
   * @throws IllegalArgumentException when the payload is not a JSON object, or an acknowledgement
   *     lacks {@code commandId} or {@code ok}, with a message naming the fault
   */
  static Optional<Ack> parseAck(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("the event is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the event is not a JSON object");
    }
    if (!"ack".equals(root.path("type").asString(null))) {
      return Optional.empty();
    }

    JsonNode commandId = root.get("commandId");
    JsonNode ok = root.get("ok");
    if (commandId == null || !commandId.isString() || commandId.asString().isEmpty()) {
      throw new IllegalArgumentException("the acknowledgement has no commandId string");
    }
    if (ok == null || !ok.isBoolean()) {
      throw new IllegalArgumentException(
          "the acknowledgement of " + commandId.asString() + " has no boolean 'ok'");
    }
    return Optional.of(
        new Ack(
            commandId.asString(), ok.booleanValue(), text(root, "result"), text(root, "error")));
  }

  private static String text(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isString() ? value.asString() : value.toString();
  }
}
