package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Sets the creation, access and modification time stamps of directory entries to one instant,
 * encoded in UTC. fat32-lib stamps new entries with the JVM's clock in the JVM's default time zone
 * and offers no way to set creation or access times, so we overwrite its stamps after it flushed.
 * Stateless.
 */
final class TimeStamps {

  private static final int FIRST_YEAR = 1980;
  private static final int LAST_YEAR = 2107;

  private TimeStamps() {}

  /**
   * Overwrites the time fields of the 32-byte entry at {@code entryOffset} with {@code epochMillis}
   * in UTC, clamped to the years FAT can store (1980 to 2107).
   */
  static void stamp(BlockDevice device, long entryOffset, long epochMillis) throws IOException {
    ByteBuffer entry =
        ByteBuffer.allocate(DirectoryReader.ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    device.read(entryOffset, entry);

    int date = dosDate(epochMillis);
    int time = dosTime(epochMillis);
    entry.put(13, (byte) 0);
    entry.putShort(14, (short) time);
    entry.putShort(16, (short) date);
    entry.putShort(18, (short) date);
    entry.putShort(22, (short) time);
    entry.putShort(24, (short) date);

    entry.clear();
    device.write(entryOffset, entry);
  }

  /** Returns the FAT date: bits 15-9 years since 1980, 8-5 month, 4-0 day. */
  static int dosDate(long epochMillis) {
    LocalDateTime utc = clamped(epochMillis);
    return (utc.getYear() - FIRST_YEAR) << 9 | utc.getMonthValue() << 5 | utc.getDayOfMonth();
  }

  /** Returns the FAT time: bits 15-11 hours, 10-5 minutes, 4-0 seconds divided by two. */
  static int dosTime(long epochMillis) {
    LocalDateTime utc = clamped(epochMillis);
    return utc.getHour() << 11 | utc.getMinute() << 5 | utc.getSecond() / 2;
  }

  private static LocalDateTime clamped(long epochMillis) {
    LocalDateTime utc = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    if (utc.getYear() < FIRST_YEAR) {
      return LocalDateTime.of(FIRST_YEAR, 1, 1, 0, 0);
    }
    if (utc.getYear() > LAST_YEAR) {
      return LocalDateTime.of(LAST_YEAR, 12, 31, 23, 59, 58);
    }
    return utc;
  }
}
