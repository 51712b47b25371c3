package io.slipway.delta.recompress;

/**
 * The bytes are not a zip archive that can be rebuilt entry by entry; the message names the cause.
 */
final class ZipFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  ZipFormatException(String message) {
    super(message);
  }
}
