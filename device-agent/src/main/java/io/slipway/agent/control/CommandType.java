package io.slipway.agent.control;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The kinds of command the server sends on the control channel, with their names on the wire. */
public enum CommandType {
  REBOOT("reboot"),
  SHUTDOWN("shutdown"),
  RESTART_SERVICE("restart-service"),
  STOP_SERVICE("stop-service"),
  START_SERVICE("start-service"),
  UPDATE("update"),
  IDENTIFY("identify"),
  DISABLE_CHANNEL("disable-channel"),
  OPEN_TERMINAL("open-terminal");

  private final String wireName;

  CommandType(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the name in a command's {@code type} field, such as {@code restart-service}. */
  public String wireName() {
    return wireName;
  }

  /** Returns whether the command names a service, which it then requires. */
  public boolean needsService() {
    return this == RESTART_SERVICE || this == STOP_SERVICE || this == START_SERVICE;
  }

  /**
   * Returns the type whose wire name is {@code name}.
   *
   * @throws IllegalArgumentException naming the value and the known types
   */
  public static CommandType of(String name) {
    for (CommandType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    String known =
        Arrays.stream(values()).map(CommandType::wireName).collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        "Command type '" + name + "' is unknown; known types: " + known);
  }
}
