package io.slipway.osimage.disk;

import io.slipway.osimage.image.ImagePatch;
import java.util.List;
import java.util.UUID;

/**
 * Creates the bytes of a new MBR or GPT partition table, for assembling a disk image from
 * filesystem images. The result is an {@link ImagePatch} to write over a zeroed (sparse) image; the
 * same arguments always give the same bytes. Sectors are 512 bytes. Stateless, thread-safe.
 */
public final class PartitionTableWriter {

  private PartitionTableWriter() {}

  /**
   * Returns the MBR, and the EBRs of logical partitions, for {@code partitions}. Up to four
   * partitions become primaries 1 to 4. With more, the first three are primaries 1 to 3 and the
   * rest are logical partitions 5 onward in an extended partition (type 0x0f, primary 4). Each
   * logical partition's EBR lies in the first sector after the partition before it, which must
   * therefore end at least one sector before the logical partition starts. The extended partition
   * runs from the first EBR to the end of the last logical partition.
   *
   * @param diskSize the image's size in bytes, a multiple of 512, at most 2 TiB
   * @param diskSignature the 32-bit disk identifier stored at byte 440 (Linux's PARTUUID prefix)
   * @param partitions 1 to 255 partitions in ascending order of offset, not overlapping, none in
   *     sector 0
   * @throws IllegalArgumentException naming the partition or size that does not fit
   */
  public static ImagePatch writeMbr(
      long diskSize, int diskSignature, List<MbrPartitionSpec> partitions) {
    return MbrWriter.write(diskSize, diskSignature, List.copyOf(partitions));
  }

  /**
   * Returns a GPT for {@code partitions}: the protective MBR (sector 0), the primary header and
   * 128-entry array (sectors 1 to 33), the backup array and header (the last 33 sectors), with
   * their CRC32s. Partition {@code i} of the list becomes entry {@code i}, numbered {@code i + 1};
   * the rest of the entries are unused. Usable sectors run from 34 to the 34th-last sector.
   *
   * @param diskSize the image's size in bytes, a multiple of 512
   * @param diskGuid the disk's GUID; the caller chooses it so that output is deterministic
   * @param partitions 1 to 128 partitions, not overlapping, with distinct GUIDs
   * @throws IllegalArgumentException naming the partition or size that does not fit
   */
  public static ImagePatch writeGpt(
      long diskSize, UUID diskGuid, List<GptPartitionSpec> partitions) {
    return GptWriter.write(diskSize, diskGuid, List.copyOf(partitions));
  }
}
