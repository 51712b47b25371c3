package io.slipway.api.control;

import java.util.Optional;

/**
 * The MQTT topics of the control channel, one subtree per device under {@code slipway/devices/}. A
 * device may subscribe only to its own {@code commands} topic and publish only to its own {@code
 * events} and {@code presence} topics; the server publishes commands and reads events and presence.
 * Both brokers enforce exactly this; nothing else is open to devices.
 */
public final class ControlTopics {

  /** The prefix of every device topic. */
  public static final String PREFIX = "slipway/devices/";

  /** Filter of every device's events, for the server's subscription. */
  public static final String ALL_EVENTS = PREFIX + "+/events";

  /** Filter of every device's presence, for the server's subscription. */
  public static final String ALL_PRESENCE = PREFIX + "+/presence";

  /** Filter of every device's commands, which only the server may publish to. */
  public static final String ALL_COMMANDS = PREFIX + "+/commands";

  private ControlTopics() {}

  /** The topic the server publishes {@code uuid}'s commands to. */
  public static String commands(String uuid) {
    return PREFIX + uuid + "/commands";
  }

  /** The topic device {@code uuid} publishes acknowledgements and other events to. */
  public static String events(String uuid) {
    return PREFIX + uuid + "/events";
  }

  /** The retained topic device {@code uuid} publishes its presence to (and its last will). */
  public static String presence(String uuid) {
    return PREFIX + uuid + "/presence";
  }

  /**
   * Returns the device UUID of a concrete device topic, or empty for any other topic. The server
   * takes the device from the topic, never from the payload, so that a device can speak only for
   * itself.
   */
  public static Optional<String> deviceOf(String topic) {
    if (topic == null || !topic.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = topic.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
      return Optional.empty();
    }
    String uuid = rest.substring(0, slash);
    if (uuid.contains("+") || uuid.contains("#")) {
      return Optional.empty();
    }
    return Optional.of(uuid);
  }
}
