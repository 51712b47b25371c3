package io.slipway.signing;

import java.util.Objects;

/**
 * Thrown when a signature, bundle or signed document is rejected. {@link #failure()} returns the
 * check that failed, so callers can react (report, retry, alert) without parsing the message. The
 * message names the value at fault, such as the digest, the key hint or the sequence number.
 */
public class VerificationException extends SigningException {

  private final VerificationFailure failure;

  public VerificationException(VerificationFailure failure, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public VerificationException(VerificationFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Returns the check that failed. */
  public VerificationFailure failure() {
    return failure;
  }
}
