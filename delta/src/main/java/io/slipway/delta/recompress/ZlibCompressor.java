package io.slipway.delta.recompress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;

/** A {@link DeflateCompressor} over java.util.zip's {@link Deflater}. Not thread-safe. */
final class ZlibCompressor implements DeflateCompressor {

  private static final int BUFFER_SIZE = 64 * 1024;

  private final Deflater deflater;
  private final OutputStream sink;
  private final byte[] buffer = new byte[BUFFER_SIZE];

  ZlibCompressor(Deflater deflater, OutputStream sink) {
    this.deflater = deflater;
    this.sink = sink;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    deflater.setInput(bytes, offset, length);
    while (!deflater.needsInput()) {
      drain();
    }
  }

  @Override
  public void finish() throws IOException {
    deflater.finish();
    while (!deflater.finished()) {
      drain();
    }
  }

  @Override
  public void close() {
    deflater.end();
  }

  private void drain() throws IOException {
    int produced = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
    sink.write(buffer, 0, produced);
  }
}
