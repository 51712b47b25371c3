package io.slipway.registry.auth;

/** Thrown when a bearer token fails verification; the message names the check that failed. */
public class InvalidTokenException extends RuntimeException {

  public InvalidTokenException(String message) {
    super(message);
  }
}
