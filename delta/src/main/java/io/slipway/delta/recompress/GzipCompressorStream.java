package io.slipway.delta.recompress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * Writes one gzip member: a given header, a raw deflate stream, then CRC-32 and size. Unlike {@link
 * java.util.zip.GZIPOutputStream} it takes the header verbatim and never flushes the compressor, so
 * its bytes depend only on the content and the recipe. Not thread-safe.
 */
final class GzipCompressorStream extends OutputStream {

  private final OutputStream out;
  private final byte[] header;
  private final DeflateCompressor compressor;
  private final CRC32 crc = new CRC32();
  private long size;
  private boolean headerWritten;
  private boolean closed;

  /** Writes nothing yet: the header goes out with the first content or on close. */
  GzipCompressorStream(OutputStream out, byte[] header, DeflateRecipe recipe) {
    this.out = out;
    this.header = header;
    this.compressor = recipe.newCompressor(out);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException("Gzip compressor is closed");
    }
    if (length == 0) {
      return;
    }
    writeHeaderOnce();
    crc.update(bytes, offset, length);
    size += length;
    compressor.write(bytes, offset, length);
  }

  /**
   * Flushes the bytes compressed so far to the underlying stream; the compressor keeps its state.
   */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writeHeaderOnce();
      compressor.finish();
      writeTrailer();
    } finally {
      compressor.close();
      out.close();
    }
  }

  private void writeHeaderOnce() throws IOException {
    if (!headerWritten) {
      out.write(header);
      headerWritten = true;
    }
  }

  private void writeTrailer() throws IOException {
    byte[] trailer = new byte[8];
    writeIntLittleEndian(trailer, 0, crc.getValue());
    // ISIZE is the size modulo 2^32 (RFC 1952): only the low four bytes are written.
    writeIntLittleEndian(trailer, 4, size);
    out.write(trailer);
  }

  private static void writeIntLittleEndian(byte[] target, int offset, long value) {
    for (int i = 0; i < 4; i++) {
      target[offset + i] = (byte) (value >>> (8 * i));
    }
  }
}
