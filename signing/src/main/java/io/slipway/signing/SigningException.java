package io.slipway.signing;

/**
 * The root of the signing module's exceptions: a key that cannot be read, used or stored. Messages
 * name the key or file at fault and never contain key material.
 */
public class SigningException extends RuntimeException {

  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
