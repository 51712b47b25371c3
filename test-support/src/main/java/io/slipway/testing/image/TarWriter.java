package io.slipway.testing.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX ustar archive in memory: directories, regular files and symbolic links, owned by
 * root, all with modification time 0, so equal entries give equal bytes. Names are limited to the
 * 100-byte name field. Not thread-safe.
 */
final class TarWriter {

  private static final int BLOCK = 512;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Adds a directory; {@code name} ends with a slash, such as {@code bin/}. */
  void directory(String name) {
    header(name, 0, 0755, '5', "");
  }

  /** Adds a regular file with {@code mode}, such as {@code 0755}. */
  void file(String name, byte[] content, int mode) {
    header(name, content.length, mode, '0', "");
    out.writeBytes(content);
    int remainder = content.length % BLOCK;
    if (remainder != 0) {
      out.writeBytes(new byte[BLOCK - remainder]);
    }
  }

  /** Adds a symbolic link {@code name} pointing at {@code target}. */
  void symlink(String name, String target) {
    header(name, 0, 0777, '2', target);
  }

  /** Writes the two closing zero blocks and returns the archive. */
  byte[] finish() {
    out.writeBytes(new byte[2 * BLOCK]);
    return out.toByteArray();
  }

  private void header(String name, long size, int mode, char type, String link) {
    byte[] header = new byte[BLOCK];
    text(header, 0, 100, name);
    octal(header, 100, 8, mode);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, size);
    octal(header, 136, 12, 0);
    header[156] = (byte) type;
    text(header, 157, 100, link);
    text(header, 257, 6, "ustar\0");
    text(header, 263, 2, "00");
    text(header, 265, 32, "root");
    text(header, 297, 32, "root");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    text(header, 148, 7, String.format("%06o", sum) + "\0");
    out.writeBytes(header);
  }

  private static void text(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > length) {
      throw new IllegalArgumentException(
          "Tar header field '" + value + "' is longer than " + length + " bytes");
    }
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    text(header, offset, length, String.format("%0" + (length - 1) + "o", value) + "\0");
  }
}
