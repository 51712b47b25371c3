package io.slipway.systemtest.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds a small POSIX ustar archive in memory: directories and regular files owned by root, with a
 * fixed modification time so that the same entries always give the same bytes. Names must fit the
 * 100-byte name field. Not thread-safe.
 */
final class TarArchive {

  private static final int BLOCK = 512;
  private static final long MODIFIED_EPOCH_SECONDS = 1_700_000_000L;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private boolean finished;

  /** Adds a directory; {@code name} ends without a slash, such as {@code opt/app}. */
  TarArchive directory(String name) {
    writeHeader(name + "/", 0, 0755, '5');
    return this;
  }

  /** Adds a regular file with {@code mode}, such as {@code 0644}. */
  TarArchive file(String name, byte[] content, int mode) {
    writeHeader(name, content.length, mode, '0');
    out.writeBytes(content);
    pad(content.length);
    return this;
  }

  /** Ends the archive with its two zero blocks and returns its bytes. */
  byte[] finish() {
    if (!finished) {
      out.writeBytes(new byte[2 * BLOCK]);
      finished = true;
    }
    return out.toByteArray();
  }

  private void writeHeader(String name, long size, int mode, char type) {
    if (finished) {
      throw new IllegalStateException("Archive already finished; cannot add " + name);
    }
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) {
      throw new IllegalArgumentException(
          "Tar entry name '" + name + "' is longer than 100 bytes; use a shorter path");
    }

    byte[] header = new byte[BLOCK];
    put(header, 0, nameBytes);
    putOctal(header, 100, 8, mode);
    putOctal(header, 108, 8, 0);
    putOctal(header, 116, 8, 0);
    putOctal(header, 124, 12, size);
    putOctal(header, 136, 12, MODIFIED_EPOCH_SECONDS);
    header[156] = (byte) type;
    put(header, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(header, 263, "00".getBytes(StandardCharsets.US_ASCII));
    put(header, 265, "root".getBytes(StandardCharsets.US_ASCII));
    put(header, 297, "root".getBytes(StandardCharsets.US_ASCII));
    writeChecksum(header);
    out.writeBytes(header);
  }

  /** Writes the checksum: the byte sum of the header, counting its own field as eight spaces. */
  private static void writeChecksum(byte[] header) {
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    String octal = String.format("%06o", sum);
    put(header, 148, octal.getBytes(StandardCharsets.US_ASCII));
    header[154] = 0;
    header[155] = ' ';
  }

  /** Writes {@code value} as zero-padded octal that fills the field but its last byte, a NUL. */
  private static void putOctal(byte[] header, int offset, int length, long value) {
    String octal = String.format("%0" + (length - 1) + "o", value);
    put(header, offset, octal.getBytes(StandardCharsets.US_ASCII));
    header[offset + length - 1] = 0;
  }

  private static void put(byte[] header, int offset, byte[] bytes) {
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private void pad(long size) {
    int remainder = (int) (size % BLOCK);
    if (remainder != 0) {
      out.writeBytes(new byte[BLOCK - remainder]);
    }
  }
}
