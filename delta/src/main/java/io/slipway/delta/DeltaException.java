package io.slipway.delta;

import java.util.Objects;

/**
 * A delta could not be made, verified or applied. The message names the value at fault and what to
 * do; {@link #failure()} is the stable reason. When applying fails, the base image is untouched.
 */
public class DeltaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final DeltaFailure failure;

  /** Creates an exception with {@code failure} as its stable reason. */
  public DeltaException(DeltaFailure failure, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Creates an exception with {@code failure} as its stable reason and {@code cause}. */
  public DeltaException(DeltaFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Returns the stable reason. */
  public DeltaFailure failure() {
    return failure;
  }
}
