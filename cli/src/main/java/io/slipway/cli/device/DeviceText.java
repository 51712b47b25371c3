package io.slipway.cli.device;

import io.slipway.cli.output.EpochMillis;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Formats devices and their control channel state as text for people. Stateless. */
final class DeviceText {

  private DeviceText() {}

  /** Formats milliseconds since the epoch as an ISO-8601 instant, or {@code -} for null. */
  static String time(JsonNode millis) {
    return EpochMillis.format(millis);
  }

  /** Prints the fields of a device, followed by its channel state when {@code channel} is set. */
  static void printDevice(PrintWriter out, JsonNode device, JsonNode channel) {
    out.println("Device:         " + device.path("uuid").asString());
    out.println("Name:           " + text(device.path("name")));
    out.println(
        "Fleet:          "
            + device.path("organization").asString()
            + "/"
            + device.path("fleet").asString());
    out.println("Device type:    " + text(device.path("deviceType")));
    out.println("Status:         " + text(device.path("status")));
    out.println("Approved:       " + (device.path("approved").asBoolean() ? "yes" : "no"));
    out.println("OS version:     " + text(device.path("osVersion")));
    out.println("Addresses:      " + join(device.path("addresses")));
    out.println("Pinned release: " + text(device.path("pinnedReleaseId")));
    out.println("Tags:           " + tags(device.path("tags")));
    out.println("Created:        " + time(device.path("createdAt")));
    out.println("Last seen:      " + time(device.path("lastSeenAt")));
    if (channel != null) {
      out.println("Control channel: " + channel(channel));
    }
    out.flush();
  }

  /**
   * Describes the state that {@code GET /api/v1/devices/{uuid}/control-channel} returns, such as
   * {@code on (device setting: on until 2026-12-05T12:00:00Z, fleet: off), connected}.
   */
  static String channel(JsonNode state) {
    StringBuilder text = new StringBuilder();
    text.append(state.path("enabled").asBoolean() ? "on" : "off");
    text.append(" (device setting: ").append(state.path("setting").asString("fleet"));
    JsonNode until = state.path("until");
    if (!until.isNull() && !until.isMissingNode()) {
      text.append(" until ").append(time(until));
    }
    text.append(", fleet: ").append(state.path("fleetEnabled").asBoolean() ? "on" : "off");
    text.append("), ");

    JsonNode connected = state.path("connected");
    if (connected.isNull() || connected.isMissingNode()) {
      text.append("the server runs no control channel");
    } else {
      text.append(connected.asBoolean() ? "connected" : "not connected");
    }
    return text.toString();
  }

  private static String text(JsonNode value) {
    return value.isNull() || value.isMissingNode() || value.asString().isEmpty()
        ? "-"
        : value.asString();
  }

  private static String join(JsonNode values) {
    List<String> items = new ArrayList<>();
    values.forEach(value -> items.add(value.asString()));
    return items.isEmpty() ? "-" : String.join(", ", items);
  }

  private static String tags(JsonNode tags) {
    List<String> items = new ArrayList<>();
    for (var entry : tags.properties()) {
      JsonNode value = entry.getValue();
      items.add(value.isNull() ? entry.getKey() : entry.getKey() + "=" + value.asString());
    }
    return items.isEmpty() ? "-" : String.join(", ", items);
  }
}
