package io.slipway.cli.device;

import io.slipway.cli.output.EpochMillis;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** Formats devices, their reported state and their control channel state as text. Stateless. */
final class DeviceText {

  private DeviceText() {}

  /** Formats milliseconds since the epoch as an ISO-8601 instant, or {@code -} for null. */
  static String time(JsonNode millis) {
    return EpochMillis.format(millis);
  }

  /**
   * Prints the fields of a device, then the release and services of {@code state} ({@code GET
   * .../state}) when it is set, then its channel state when {@code channel} is set.
   */
  static void printDevice(PrintWriter out, JsonNode device, JsonNode state, JsonNode channel) {
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
    if (state != null) {
      printState(out, state);
    }
    if (channel != null) {
      out.println("Control channel: " + channel(channel));
    }
    out.flush();
  }

  /**
   * Prints the release a device reported next to its target, such as {@code 3 (target: 5, version
   * 0.0.3)}, and one line per reported service: status, update method, bytes downloaded of the
   * download's size, and the device's message.
   */
  static void printState(PrintWriter out, JsonNode state) {
    JsonNode reported = state.path("reported");
    String target =
        "target: "
            + text(state.path("targetReleaseId"))
            + ", version "
            + text(state.path("targetReleaseVersion"));
    if (reported.isNull() || reported.isMissingNode()) {
      out.println("Release:        - (" + target + "); the device has not reported yet");
      return;
    }
    out.println("Release:        " + text(reported.path("releaseId")) + " (" + target + ")");
    for (var entry : reported.path("services").properties()) {
      out.println("  " + entry.getKey() + ": " + service(entry.getValue()));
    }
  }

  /**
   * Describes one reported service, such as {@code running, delta, 1,470 of 1,470 bytes}. Fields
   * that the device did not report are left out.
   */
  static String service(JsonNode service) {
    List<String> parts = new ArrayList<>();
    parts.add(text(service.path("status")));
    JsonNode method = service.path("updateMethod");
    if (method.isString()) {
      parts.add(method.asString());
    }
    JsonNode downloaded = service.path("downloadedBytes");
    if (downloaded.isNumber()) {
      JsonNode size = service.path("downloadSize");
      parts.add(
          String.format(Locale.ROOT, "%,d", downloaded.asLong())
              + (size.isNumber() ? String.format(Locale.ROOT, " of %,d", size.asLong()) : "")
              + " bytes");
    }
    JsonNode message = service.path("message");
    if (message.isString()) {
      parts.add(message.asString());
    }
    return String.join(", ", parts);
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
