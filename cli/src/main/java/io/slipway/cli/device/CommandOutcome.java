package io.slipway.cli.device;

import io.slipway.cli.ExitCode;
import tools.jackson.databind.JsonNode;

/**
 * Reads how a command returned by the server ended: its exit code and the text people see.
 * Stateless.
 */
final class CommandOutcome {

  private CommandOutcome() {}

  /** Returns the exit code for a command whose end was awaited. */
  static int exitCode(JsonNode command) {
    return switch (command.path("status").asString()) {
      case "SUCCEEDED" -> ExitCode.SUCCESS;
      case "FAILED" -> ExitCode.COMMAND_FAILED;
      case "TIMED_OUT" -> ExitCode.COMMAND_TIMED_OUT;
      default -> ExitCode.COMMAND_PENDING;
    };
  }

  /**
   * Describes the command in one line, such as {@code Command cmd_01 (reboot) on device UUID:
   * SUCCEEDED: rebooting in 5 s}.
   */
  static String describe(JsonNode command) {
    StringBuilder line = new StringBuilder("Command ");
    line.append(command.path("id").asString()).append(" (").append(command.path("type").asString());
    JsonNode service = command.path("service");
    if (!service.isNull() && !service.isMissingNode()) {
      line.append(" ").append(service.asString());
    }
    line.append(") on device ").append(command.path("device").asString()).append(": ");

    String status = command.path("status").asString();
    line.append(status);
    if (status.equals("PENDING")) {
      line.append(" until ").append(command.path("deadline").asString());
    }
    JsonNode result = command.path("result");
    if (!result.isNull() && !result.isMissingNode()) {
      line.append(": ").append(result.asString());
    }
    return line.toString();
  }

  /**
   * Returns the error line for a command that did not succeed, or null when there is none to
   * report, such as for a command that was sent without waiting.
   */
  static String failure(JsonNode command, boolean awaited) {
    if (!awaited) {
      return null;
    }
    String device = command.path("device").asString();
    String id = command.path("id").asString();
    return switch (command.path("status").asString()) {
      case "SUCCEEDED" -> null;
      case "FAILED" ->
          "Device "
              + device
              + " could not do command "
              + id
              + ": "
              + command.path("error").asString("no reason given");
      case "TIMED_OUT" ->
          "Device "
              + device
              + " did not answer command "
              + id
              + " before "
              + command.path("deadline").asString()
              + "; check that it is online with 'slipway device show "
              + device
              + "'";
      default ->
          "Command "
              + id
              + " is still pending; the device has until "
              + command.path("deadline").asString()
              + " to answer";
    };
  }
}
