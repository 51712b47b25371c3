package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.image.ImageBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads of on-disk structures from an image, with the errors the readers of this package raise. */
final class DiskReads {

  /** The logical sector size of every image Slipway reads and writes. */
  static final int SECTOR_SIZE = 512;

  private DiskReads() {}

  /**
   * Returns {@code length} bytes from {@code offset} as a little-endian buffer positioned at 0.
   *
   * @param structure the structure being read, named in the error when the image ends inside it
   * @throws OsImageException {@code NOT_A_DISK_IMAGE} when the image ends first, {@code IO} when
   *     reading fails
   */
  static ByteBuffer readFully(ImageBytes image, long offset, int length, String structure) {
    ByteBuffer buffer = readUpTo(image, offset, length);
    if (buffer.limit() < length) {
      throw new OsImageException(
          OsImageFailure.NOT_A_DISK_IMAGE,
          "The image ends at byte "
              + (offset + buffer.limit())
              + ", inside the "
              + structure
              + " at bytes "
              + offset
              + " to "
              + (offset + length)
              + ": the image is truncated or is no disk image; use the complete raw disk image");
    }
    return buffer;
  }

  /**
   * Returns up to {@code length} bytes from {@code offset} as a little-endian buffer positioned at
   * 0, its limit at the number of bytes read: fewer only at the end of the image.
   *
   * @throws OsImageException {@code IO} when reading fails
   */
  static ByteBuffer readUpTo(ImageBytes image, long offset, int length) {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int read = image.read(offset, buffer);
      buffer.position(0);
      buffer.limit(Math.max(read, 0));
      return buffer;
    } catch (IOException e) {
      throw new OsImageException(
          OsImageFailure.IO,
          "Reading "
              + length
              + " bytes at byte "
              + offset
              + " of the image failed: "
              + e.getMessage()
              + "; check that the image file is readable",
          e);
    }
  }

  /** Returns the unsigned 32-bit little-endian value at {@code index}. */
  static long uint32(ByteBuffer buffer, int index) {
    return Integer.toUnsignedLong(buffer.getInt(index));
  }

  /** Returns the unsigned 16-bit little-endian value at {@code index}. */
  static int uint16(ByteBuffer buffer, int index) {
    return Short.toUnsignedInt(buffer.getShort(index));
  }

  /** Returns the unsigned byte at {@code index}. */
  static int uint8(ByteBuffer buffer, int index) {
    return Byte.toUnsignedInt(buffer.get(index));
  }
}
