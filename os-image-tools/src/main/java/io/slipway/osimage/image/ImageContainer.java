package io.slipway.osimage.image;

import java.util.Arrays;

/** The container format of a stored image file, detected by the file's first bytes. */
enum ImageContainer {
  RAW(new byte[0]),
  ZIP(new byte[] {'P', 'K', 3, 4}),
  GZIP(new byte[] {0x1f, (byte) 0x8b}),
  XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}),
  ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});

  /** How many leading bytes {@link #detect} looks at. */
  static final int MAGIC_LENGTH = 6;

  private final byte[] magic;

  ImageContainer(byte[] magic) {
    this.magic = magic;
  }

  /**
   * Returns the container whose magic bytes start {@code head}, or {@link #RAW} when none does.
   *
   * @param head the file's first bytes; fewer than {@link #MAGIC_LENGTH} at the end of a short file
   */
  static ImageContainer detect(byte[] head, int length) {
    if (startsWithSkippableFrame(head, length)) {
      return ZSTD;
    }
    for (ImageContainer container : values()) {
      if (container != RAW && startsWith(head, length, container.magic)) {
        return container;
      }
    }
    return RAW;
  }

  /**
   * Returns whether {@code head} starts with a zstd skippable frame (magic 0x184D2A50 to
   * 0x184D2A5F, little-endian), which {@code pzstd} puts in front of its frames.
   */
  private static boolean startsWithSkippableFrame(byte[] head, int length) {
    return length >= 4
        && (head[0] & 0xf0) == 0x50
        && head[1] == 0x2a
        && head[2] == 0x4d
        && head[3] == 0x18;
  }

  private static boolean startsWith(byte[] head, int length, byte[] prefix) {
    return length >= prefix.length
        && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
  }
}
