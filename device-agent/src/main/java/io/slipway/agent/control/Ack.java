package io.slipway.agent.control;

import java.util.Objects;

/**
 * The device's answer to a command, published on its {@code events} topic. Immutable.
 *
 * @param commandId the id of the command it answers
 * @param ok whether the device did, or is about to do, what the command asked
 * @param result what the device did, when {@code ok}; else null
 * @param error why it could not, when not {@code ok}; else null
 */
public record Ack(String commandId, boolean ok, String result, String error) {

  public Ack {
    Objects.requireNonNull(commandId, "commandId");
  }

  /** Returns a successful answer to {@code commandId} saying {@code result}. */
  public static Ack success(String commandId, String result) {
    return new Ack(commandId, true, result, null);
  }

  /** Returns a failed answer to {@code commandId} naming {@code error}. */
  public static Ack failure(String commandId, String error) {
    return new Ack(commandId, false, null, error);
  }
}
