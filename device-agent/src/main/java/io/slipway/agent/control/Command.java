package io.slipway.agent.control;

import java.time.Instant;

/**
 * One command from the server, as read from the device's {@code commands} topic. Immutable.
 *
 * @param id the command's id, unique per device; acknowledgements name it
 * @param type what to do
 * @param service the service to act on; required by the service commands, else null
 * @param deadline when the server stops waiting for the acknowledgement, or null for no deadline
 * @param terminal the tunnel to dial; required by {@code open-terminal}, else null
 */
public record Command(
    String id, CommandType type, String service, Instant deadline, TerminalRequest terminal) {

  /**
   * @throws IllegalArgumentException naming the command when a field its type needs is missing
   */
  public Command {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("Command id is missing");
    }
    if (type == null) {
      throw new IllegalArgumentException("Command " + id + " has no type");
    }
    if (type.needsService() && (service == null || service.isBlank())) {
      throw new IllegalArgumentException(
          "Command " + id + " (" + type.wireName() + ") names no service");
    }
    if (type == CommandType.OPEN_TERMINAL && terminal == null) {
      throw new IllegalArgumentException("Command " + id + " (open-terminal) has no terminal");
    }
  }

  /** Returns whether the command's deadline has passed at {@code now}. */
  public boolean expiredAt(Instant now) {
    return deadline != null && now.isAfter(deadline);
  }
}
