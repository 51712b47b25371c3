package io.slipway.api.control.terminal;

/** The device did not dial a terminal tunnel, or cannot; the message says why. */
final class TerminalDialException extends RuntimeException {

  TerminalDialException(String message) {
    super(message);
  }
}
