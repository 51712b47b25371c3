package io.slipway.api.control.command;

import java.util.Objects;

/**
 * A device's answer to a command, as it arrives on the device's events topic: {@code {"type":
 * "ack", "commandId": "cmd_...", "ok": true, "result": "...", "error": null}}. Immutable.
 *
 * @param commandId the command answered
 * @param ok whether the device did what it was asked
 * @param result what the device did, or null
 * @param error why it failed, or null
 */
record Ack(String commandId, boolean ok, String result, String error) {

  Ack {
    Objects.requireNonNull(commandId, "commandId");
  }

  /** Returns the status the command ends with. */
  Command.Status status() {
    return ok ? Command.Status.SUCCEEDED : Command.Status.FAILED;
  }
}
