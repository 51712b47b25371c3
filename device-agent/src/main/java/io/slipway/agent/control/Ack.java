package io.slipway.agent.control;

import java.util.Objects;

/**
 * The device's acknowledgement of a command, published on its {@code events} topic. Immutable.
 *
 * @param commandId the id of the command it acknowledges
 * @param ok whether the device did, or is about to do, what the command requested
 * @param result what the device did, when {@code ok}; else null
 * @param error why it could not, when not {@code ok}; else null
 */
public record Ack(String commandId, boolean ok, String result, String error) {

  public Ack {
    Objects.requireNonNull(commandId, "commandId");
  }

  /** Returns a successful acknowledgement of {@code commandId} saying {@code result}. */
  public static Ack success(String commandId, String result) {
    return new Ack(commandId, true, result, null);
  }

  /** Returns a failed acknowledgement of {@code commandId} naming {@code error}. */
  public static Ack failure(String commandId, String error) {
    return new Ack(commandId, false, null, error);
  }
}
