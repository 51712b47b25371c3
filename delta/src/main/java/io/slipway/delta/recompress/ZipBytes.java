package io.slipway.delta.recompress;

import java.nio.charset.Charset;

/** Little-endian reads from an archive in memory; offsets past the end read as zero bytes. */
final class ZipBytes {

  private final byte[] bytes;

  ZipBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  int length() {
    return bytes.length;
  }

  int u8(long offset) {
    return offset >= 0 && offset < bytes.length ? bytes[(int) offset] & 0xff : 0;
  }

  int u16(long offset) {
    return u8(offset) | u8(offset + 1) << 8;
  }

  long u32(long offset) {
    return (long) u16(offset) | (long) u16(offset + 2) << 16;
  }

  /** Reads an unsigned 64-bit value; values of 2^63 and more come out negative. */
  long u64(long offset) {
    return u32(offset) | u32(offset + 4) << 32;
  }

  String string(long offset, int length, Charset charset) {
    int end = (int) Math.min(bytes.length, offset + length);
    int start = (int) Math.min(offset, end);
    return new String(bytes, start, end - start, charset);
  }
}
