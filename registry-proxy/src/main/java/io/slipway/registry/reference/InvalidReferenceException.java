package io.slipway.registry.reference;

/** Thrown when a digest, repository name or tag is malformed; the message names the value. */
public class InvalidReferenceException extends IllegalArgumentException {

  public InvalidReferenceException(String message) {
    super(message);
  }
}
