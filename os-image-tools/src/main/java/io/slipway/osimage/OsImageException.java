package io.slipway.osimage;

import java.util.Objects;

/**
 * An OS image could not be read, configured or assembled. The message names the value at fault and
 * what to do; {@link #failure()} is stable for callers that map it to exit codes or HTTP.
 */
public class OsImageException extends RuntimeException {

  private final OsImageFailure failure;

  public OsImageException(OsImageFailure failure, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public OsImageException(OsImageFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Returns why it failed. */
  public OsImageFailure failure() {
    return failure;
  }
}
