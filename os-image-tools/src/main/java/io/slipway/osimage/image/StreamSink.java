package io.slipway.osimage.image;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the raw image, or an archive or compressed stream of it, to an output stream that it does
 * not close. Not safe for concurrent use.
 */
class StreamSink implements RawSink {

  private final CountingOutputStream counted;
  private final OutputStream target;

  /**
   * @param counted counts the bytes that reach the caller's stream
   * @param target where the raw bytes go: {@code counted} itself or a compressor over it
   */
  StreamSink(CountingOutputStream counted, OutputStream target) {
    this.counted = counted;
    this.target = target;
  }

  @Override
  public void write(byte[] buffer, int offset, int length, boolean zero) throws IOException {
    target.write(buffer, offset, length);
  }

  @Override
  public long finish(long rawSize, String sha256, byte[] bmap) throws IOException {
    finishTarget(sha256, bmap);
    counted.flush();
    return counted.count();
  }

  /**
   * Ends the compressed stream or archive: its trailer, and in an archive the entries after the
   * image. Closing {@code target} leaves the caller's stream open, see {@link
   * CountingOutputStream#close()}.
   */
  void finishTarget(String sha256, byte[] bmap) throws IOException {
    target.close();
  }
}
