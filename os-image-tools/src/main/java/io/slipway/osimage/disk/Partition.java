package io.slipway.osimage.disk;

import java.util.Optional;

/**
 * One partition of a disk image, as its partition table describes it.
 *
 * @param number the number Linux gives it: 1 to 4 for MBR primaries, 5 upward for logical
 *     partitions in table order, the entry's index + 1 for GPT
 * @param offset byte offset of its first sector from the start of the image
 * @param size its size in bytes
 * @param type the MBR type byte as two lower-case hex digits ({@code 0c}), or the GPT type GUID in
 *     lower case ({@code c12a7328-f81f-11d2-ba4b-00a0c93ec93b})
 * @param name the GPT partition name; empty for MBR
 */
public record Partition(int number, long offset, long size, String type, String name) {

  public Partition {
    if (number < 1) {
      throw new IllegalArgumentException("Invalid partition number " + number + ": use 1 or more");
    }
    if (offset < 0 || size < 0) {
      throw new IllegalArgumentException(
          "Invalid extent of partition " + number + ": offset " + offset + ", size " + size);
    }
    if (type == null || name == null) {
      throw new IllegalArgumentException("Partition " + number + " needs a type and a name");
    }
  }

  /** Returns the offset just past its last byte. */
  public long end() {
    return offset + size;
  }

  /** Returns the GPT name, if it has a non-empty one. */
  public Optional<String> gptName() {
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }
}
