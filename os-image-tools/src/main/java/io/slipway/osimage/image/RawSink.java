package io.slipway.osimage.image;

import java.io.IOException;

/**
 * The destination of the configured raw image's bytes, written in order. Not safe for concurrent
 * use.
 */
interface RawSink {

  /**
   * Writes the next {@code length} raw image bytes.
   *
   * @param zero whether the bytes are all zeros, so a sparse file may skip them
   */
  void write(byte[] buffer, int offset, int length, boolean zero) throws IOException;

  /**
   * Ends the output after the whole raw image has been written.
   *
   * @param rawSize the raw image's size in bytes
   * @param sha256 the raw image's SHA-256 in lower-case hex
   * @param bmap the raw image's bmap file
   * @return the output's size in bytes
   */
  long finish(long rawSize, String sha256, byte[] bmap) throws IOException;
}
