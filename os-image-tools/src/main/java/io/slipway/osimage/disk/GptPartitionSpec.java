package io.slipway.osimage.disk;

import java.util.Objects;
import java.util.UUID;

/**
 * A partition for {@link PartitionTableWriter#writeGpt} to write.
 *
 * @param offset byte offset of its first sector, a multiple of 512
 * @param size its size in bytes, a positive multiple of 512
 * @param type the partition type GUID, such as {@link #EFI_SYSTEM} or {@link #LINUX_FILESYSTEM}
 * @param guid the partition's unique GUID; the caller chooses it so that output is deterministic
 * @param name the partition name, at most 36 UTF-16 code units and no NUL
 * @param attributes the attribute bits: bit 0 required, bit 2 legacy BIOS bootable, bits 48 to 63
 *     defined by the type
 */
public record GptPartitionSpec(
    long offset, long size, UUID type, UUID guid, String name, long attributes) {

  /** The EFI system partition, the type of a generic x86 image's boot partition. */
  public static final UUID EFI_SYSTEM = UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");

  /** A Linux filesystem. */
  public static final UUID LINUX_FILESYSTEM =
      UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4");

  /** The attribute bit that marks a partition bootable for legacy BIOS. */
  public static final long LEGACY_BIOS_BOOTABLE = 1L << 2;

  public GptPartitionSpec {
    PartitionSpecs.checkExtent(offset, size);
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(guid, "guid");
    Objects.requireNonNull(name, "name");
    if (type.equals(new UUID(0, 0))) {
      throw new IllegalArgumentException(
          "Invalid GPT partition type: the all-zero GUID marks an unused entry; use a type GUID");
    }
    if (name.length() > GptEntry.MAX_NAME_LENGTH || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "Invalid GPT partition name '"
              + name
              + "': use at most "
              + GptEntry.MAX_NAME_LENGTH
              + " UTF-16 code units and no NUL");
    }
  }

  /** Returns the offset just past its last byte. */
  public long end() {
    return offset + size;
  }
}
