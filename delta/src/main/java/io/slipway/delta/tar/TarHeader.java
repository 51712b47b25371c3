package io.slipway.delta.tar;

import java.nio.charset.StandardCharsets;

/** Field decoding for one 512-byte tar header block. Stateless. */
final class TarHeader {

  private TarHeader() {}

  /**
   * Returns whether the checksum field matches the block; both the unsigned sum (POSIX) and the
   * signed sum (some historic tars) are accepted.
   */
  static boolean checksumMatches(byte[] block) {
    long expected = number(block, 148, 8);
    if (expected < 0) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < TarReader.BLOCK; i++) {
      int value = i >= 148 && i < 156 ? ' ' : block[i];
      unsigned += value & 0xff;
      signed += value;
    }
    return expected == unsigned || expected == signed;
  }

  /**
   * Decodes a numeric field: octal digits padded with spaces or NULs, or GNU base-256 when the
   * first byte's high bit is set. Returns -1 when the field is malformed or negative.
   */
  static long number(byte[] block, int offset, int length) {
    if ((block[offset] & 0x80) != 0) {
      return base256(block, offset, length);
    }
    long value = 0;
    boolean digits = false;
    for (int i = offset; i < offset + length; i++) {
      byte b = block[i];
      if (b >= '0' && b <= '7') {
        if (value > (Long.MAX_VALUE >> 3)) {
          return -1;
        }
        value = value * 8 + (b - '0');
        digits = true;
      } else if (b == 0 || b == ' ') {
        if (digits) {
          break;
        }
      } else {
        return -1;
      }
    }
    return value;
  }

  private static long base256(byte[] block, int offset, int length) {
    if ((block[offset] & 0x40) != 0) {
      return -1;
    }
    long value = block[offset] & 0x3f;
    for (int i = offset + 1; i < offset + length; i++) {
      if (value > (Long.MAX_VALUE >> 8)) {
        return -1;
      }
      value = (value << 8) | (block[i] & 0xff);
    }
    return value;
  }

  /** Returns whether the block uses the old GNU layout (magic {@code "ustar \0"}). */
  static boolean isGnu(byte[] block) {
    return block[257] == 'u'
        && block[258] == 's'
        && block[259] == 't'
        && block[260] == 'a'
        && block[261] == 'r'
        && block[262] == ' ';
  }

  /** Returns whether the block is POSIX ustar (magic {@code "ustar\0"}), which has a prefix. */
  static boolean isUstar(byte[] block) {
    return block[257] == 'u'
        && block[258] == 's'
        && block[259] == 't'
        && block[260] == 'a'
        && block[261] == 'r'
        && block[262] == 0;
  }

  /** Returns the name field, joined with the ustar prefix field when there is one. */
  static String name(byte[] block) {
    String name = cString(block, 0, 100);
    if (!isUstar(block)) {
      return name;
    }
    String prefix = cString(block, 345, 155);
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** Returns the bytes up to the first NUL, or the whole field, as UTF-8. */
  static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }
}
