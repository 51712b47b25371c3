package io.slipway.agent;

import java.util.Objects;

/**
 * Every failure the device agent raises, with a {@link AgentFailure} that names its kind. Messages
 * name the value at fault and what to do; they never carry keys.
 */
public class AgentException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final AgentFailure failure;

  public AgentException(AgentFailure failure, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public AgentException(AgentFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Returns the kind of failure. */
  public AgentFailure failure() {
    return failure;
  }
}
