package io.slipway.delta.recompress;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Checks whether a compressor, fed a blob's uncompressed content, writes exactly the blob's bytes.
 * Streams both sides through small buffers and stops feeding at the first differing byte, so a
 * wrong candidate costs only the content until its first output block.
 */
final class ReproductionCheck {

  private static final int CHUNK_SIZE = 64 * 1024;

  /** Opens a stream of the blob's uncompressed content. */
  @FunctionalInterface
  interface ContentSource {
    InputStream open() throws IOException;
  }

  /** Wraps the stream the candidate's bytes go to in the candidate compressor. */
  @FunctionalInterface
  interface Compressor {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private ReproductionCheck() {}

  /**
   * Returns true when {@code compressor} turns the content from {@code content} into exactly the
   * bytes of {@code blob}, no more and no fewer.
   *
   * @throws IOException when reading the blob or its content fails, including content that does not
   *     decompress
   */
  static boolean reproduces(Path blob, ContentSource content, Compressor compressor)
      throws IOException {
    try (InputStream expected = new BufferedInputStream(Files.newInputStream(blob), CHUNK_SIZE);
        InputStream source = content.open()) {
      ComparingOutputStream comparing = new ComparingOutputStream(expected);
      OutputStream candidate = compressor.wrap(comparing);
      try {
        feed(source, candidate, comparing);
      } finally {
        // Closing ends the candidate's native state even after a mismatch; its last bytes then
        // go nowhere.
        candidate.close();
      }
      return comparing.matches() && expected.read() < 0;
    }
  }

  private static void feed(InputStream source, OutputStream candidate, ComparingOutputStream sink)
      throws IOException {
    byte[] chunk = new byte[CHUNK_SIZE];
    int read;
    while (sink.matches() && (read = source.read(chunk)) >= 0) {
      candidate.write(chunk, 0, read);
    }
  }

  /**
   * Compares what is written with the next bytes of an expected stream. After the first difference
   * it ignores further writes and {@link #matches()} stays false.
   */
  private static final class ComparingOutputStream extends OutputStream {

    private final InputStream expected;
    private byte[] scratch = new byte[CHUNK_SIZE];
    private boolean matches = true;

    ComparingOutputStream(InputStream expected) {
      this.expected = expected;
    }

    boolean matches() {
      return matches;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (!matches) {
        return;
      }
      if (scratch.length < length) {
        scratch = new byte[length];
      }
      int read = expected.readNBytes(scratch, 0, length);
      matches = read == length && Arrays.equals(scratch, 0, length, bytes, offset, offset + length);
    }
  }
}
