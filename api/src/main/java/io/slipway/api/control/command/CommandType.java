package io.slipway.api.control.command;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The commands a device accepts over the control channel, with their names on the wire. */
public enum CommandType {
  /** Reboot the device through its system-command hook. */
  REBOOT("reboot", false),
  /** Shut the device down through its system-command hook. */
  SHUTDOWN("shutdown", false),
  /** Restart one service's container. */
  RESTART_SERVICE("restart-service", true),
  /** Stop one service's container; it stays stopped until started or the release changes. */
  STOP_SERVICE("stop-service", true),
  /** Start one stopped service's container. */
  START_SERVICE("start-service", true),
  /** Poll the target state now, instead of at the next interval. */
  UPDATE("update", false),
  /** Make the device identify itself (blink its LED through the hook, or log a line). */
  IDENTIFY("identify", false),
  /** Close the control channel on the device until the server enables it again. */
  DISABLE_CHANNEL("disable-channel", false),
  /** Dial a terminal tunnel back to the server; sent by the server itself, never by a request. */
  OPEN_TERMINAL("open-terminal", false);

  private final String wireName;
  private final boolean needsService;

  CommandType(String wireName, boolean needsService) {
    this.wireName = wireName;
    this.needsService = needsService;
  }

  /** The name on the wire and in the API, such as {@code restart-service}. */
  public String wireName() {
    return wireName;
  }

  /** Whether the command acts on one service, named in the request. */
  public boolean needsService() {
    return needsService;
  }

  /**
   * Parses a wire name.
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  public static CommandType fromWireName(String name) {
    for (CommandType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "Unknown command '"
            + name
            + "': use one of "
            + Arrays.stream(values()).map(CommandType::wireName).collect(Collectors.joining(", ")));
  }
}
