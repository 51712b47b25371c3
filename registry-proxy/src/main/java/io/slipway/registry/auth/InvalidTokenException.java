package io.slipway.registry.auth;

/** Thrown when a bearer token fails verification; the message says which check failed. */
public class InvalidTokenException extends RuntimeException {

  public InvalidTokenException(String message) {
    super(message);
  }
}
