package io.slipway.osimage.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * GUIDs as GPT stores them: the first three fields little-endian, the last eight bytes in order
 * (the "mixed-endian" layout of the UEFI specification, section 5.3).
 */
final class Guids {

  /** Size of a stored GUID in bytes. */
  static final int SIZE = 16;

  private Guids() {}

  /** Reads the GUID stored at {@code index} of {@code buffer}. */
  static UUID read(ByteBuffer buffer, int index) {
    ByteBuffer little = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long timeLow = Integer.toUnsignedLong(little.getInt(index));
    long timeMid = Short.toUnsignedLong(little.getShort(index + 4));
    long timeHigh = Short.toUnsignedLong(little.getShort(index + 6));
    long high = (timeLow << 32) | (timeMid << 16) | timeHigh;
    long low = buffer.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(index + 8);
    return new UUID(high, low);
  }

  /** Stores {@code guid} at {@code index} of {@code buffer}. */
  static void write(ByteBuffer buffer, int index, UUID guid) {
    long high = guid.getMostSignificantBits();
    ByteBuffer little = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    little.putInt(index, (int) (high >>> 32));
    little.putShort(index + 4, (short) (high >>> 16));
    little.putShort(index + 6, (short) high);
    buffer
        .duplicate()
        .order(ByteOrder.BIG_ENDIAN)
        .putLong(index + 8, guid.getLeastSignificantBits());
  }
}
