package io.slipway.osimage.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * One entry of a GPT partition entry array (UEFI specification 2.10, section 5.3.3).
 *
 * @param type the partition type GUID; the all-zero GUID marks an unused entry
 * @param guid the partition's unique GUID
 * @param firstLba the first sector
 * @param lastLba the last sector, inclusive
 * @param attributes the attribute bits (bit 0 required, bit 2 legacy BIOS bootable, bits 48 to 63
 *     defined by the type)
 * @param name the partition name, at most {@link #MAX_NAME_LENGTH} UTF-16 code units
 */
record GptEntry(UUID type, UUID guid, long firstLba, long lastLba, long attributes, String name) {

  /** Size of the entries this package writes, the minimum the specification allows. */
  static final int SIZE = 128;

  /** The most UTF-16 code units a name may have. */
  static final int MAX_NAME_LENGTH = 36;

  private static final UUID UNUSED = new UUID(0, 0);
  private static final int NAME_OFFSET = 56;

  GptEntry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(guid, "guid");
    Objects.requireNonNull(name, "name");
  }

  /** Parses the entry at {@code index} of {@code entries}; the name ends at its first NUL. */
  static GptEntry parse(ByteBuffer entries, int index) {
    ByteBuffer entry = entries.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    byte[] nameBytes = new byte[MAX_NAME_LENGTH * 2];
    entry.get(index + NAME_OFFSET, nameBytes);
    String name = new String(nameBytes, StandardCharsets.UTF_16LE);
    int nul = name.indexOf('\0');
    return new GptEntry(
        Guids.read(entry, index),
        Guids.read(entry, index + 16),
        entry.getLong(index + 32),
        entry.getLong(index + 40),
        entry.getLong(index + 48),
        nul < 0 ? name : name.substring(0, nul));
  }

  /** Returns whether the entry is unused: its type GUID is all zeros. */
  boolean isUnused() {
    return type.equals(UNUSED);
  }

  /** Writes the entry at {@code index} of {@code entries}. */
  void writeTo(ByteBuffer entries, int index) {
    ByteBuffer entry = entries.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    Guids.write(entry, index, type);
    Guids.write(entry, index + 16, guid);
    entry.putLong(index + 32, firstLba);
    entry.putLong(index + 40, lastLba);
    entry.putLong(index + 48, attributes);
    entry.put(index + NAME_OFFSET, name.getBytes(StandardCharsets.UTF_16LE));
  }
}
