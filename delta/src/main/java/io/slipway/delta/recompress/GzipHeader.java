package io.slipway.delta.recompress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads the header of a gzip member (RFC 1952) verbatim, optional fields included. */
final class GzipHeader {

  static final int FIXED_LENGTH = 10;

  private static final int FLAG_HEADER_CRC = 0x02;
  private static final int FLAG_EXTRA = 0x04;
  private static final int FLAG_NAME = 0x08;
  private static final int FLAG_COMMENT = 0x10;
  private static final int FLAGS_RESERVED = 0xe0;

  private GzipHeader() {}

  static boolean startsWithMagic(byte[] bytes) {
    return bytes.length >= 3
        && (bytes[0] & 0xff) == 0x1f
        && (bytes[1] & 0xff) == 0x8b
        && bytes[2] == 8;
  }

  /**
   * Reads a header from {@code in}, leaving the stream at the first byte of the deflate data.
   * Returns empty when the bytes are not a gzip header with the deflate method, set reserved flags,
   * end early, or make the header longer than {@link GzipRecipe#MAX_HEADER_LENGTH}.
   */
  static Optional<byte[]> read(InputStream in) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    byte[] fixed = in.readNBytes(FIXED_LENGTH);
    header.writeBytes(fixed);
    if (fixed.length < FIXED_LENGTH || !startsWithMagic(fixed)) {
      return Optional.empty();
    }

    int flags = fixed[3] & 0xff;
    if ((flags & FLAGS_RESERVED) != 0) {
      return Optional.empty();
    }

    boolean complete = true;
    if ((flags & FLAG_EXTRA) != 0) {
      complete = copyExtra(in, header);
    }
    if (complete && (flags & FLAG_NAME) != 0) {
      complete = copyZeroTerminated(in, header);
    }
    if (complete && (flags & FLAG_COMMENT) != 0) {
      complete = copyZeroTerminated(in, header);
    }
    if (complete && (flags & FLAG_HEADER_CRC) != 0) {
      complete = copyExactly(in, header, 2);
    }
    if (!complete || header.size() > GzipRecipe.MAX_HEADER_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(header.toByteArray());
  }

  private static boolean copyExtra(InputStream in, ByteArrayOutputStream header)
      throws IOException {
    byte[] length = in.readNBytes(2);
    header.writeBytes(length);
    if (length.length < 2) {
      return false;
    }
    return copyExactly(in, header, (length[0] & 0xff) | (length[1] & 0xff) << 8);
  }

  private static boolean copyExactly(InputStream in, ByteArrayOutputStream header, int length)
      throws IOException {
    byte[] bytes = in.readNBytes(length);
    header.writeBytes(bytes);
    return bytes.length == length;
  }

  private static boolean copyZeroTerminated(InputStream in, ByteArrayOutputStream header)
      throws IOException {
    while (header.size() <= GzipRecipe.MAX_HEADER_LENGTH) {
      int next = in.read();
      if (next < 0) {
        return false;
      }
      header.write(next);
      if (next == 0) {
        return true;
      }
    }
    return false;
  }
}
