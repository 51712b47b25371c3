package io.slipway.delta.recompress;

import java.io.IOException;

/**
 * A raw deflate compressor made by {@link DeflateRecipe#newCompressor}: it takes uncompressed bytes
 * and writes the compressed stream to the sink it was made with. Its output depends only on the
 * recipe and the content, never on how the content is split into {@link #write} calls (except for
 * zlib at level 0, which {@link DeflateReproducer} never proposes). Not thread-safe.
 */
public interface DeflateCompressor extends AutoCloseable {

  /**
   * Compresses {@code length} bytes of {@code bytes} from {@code offset}; may write compressed
   * bytes to the sink.
   *
   * @throws IOException when the sink fails
   */
  void write(byte[] bytes, int offset, int length) throws IOException;

  /**
   * Ends the deflate stream (final block, padding to a byte) and writes what remains to the sink.
   * Call it once; then only {@link #close} may follow.
   *
   * @throws IOException when the sink fails
   */
  void finish() throws IOException;

  /** Frees native memory, if any; does not finish the stream and does not close the sink. */
  @Override
  void close();
}
