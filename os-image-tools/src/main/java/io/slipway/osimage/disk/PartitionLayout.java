package io.slipway.osimage.disk;

import java.util.ArrayList;
import java.util.List;

/**
 * The placement of the partitions of a new disk image: each partition starts on a 4 MiB boundary,
 * in the order given, and the disk ends on one. Immutable.
 *
 * @param offsets byte offset of each partition, in the order of the sizes planned
 * @param diskSize the image's size in bytes, room for the backup GPT included
 */
public record PartitionLayout(List<Long> offsets, long diskSize) {

  /** The boundary every partition starts on and the disk ends on: 4 MiB. */
  public static final long ALIGNMENT = 4L * 1024 * 1024;

  public PartitionLayout {
    offsets = List.copyOf(offsets);
  }

  /**
   * Places partitions of {@code sizes}, in that order, from 4 MiB on. For an MBR with more than
   * four partitions, the fourth onward become logical partitions (see {@link
   * PartitionTableWriter#writeMbr}), so each of them starts at the boundary after the sector that
   * its EBR takes. For GPT, the disk has room for the backup table after the last partition.
   *
   * @param sizes partition sizes in bytes, positive multiples of 512
   * @throws IllegalArgumentException for an empty list or an invalid size
   */
  public static PartitionLayout plan(PartitionScheme scheme, List<Long> sizes) {
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("No partition sizes given: plan at least one partition");
    }
    boolean logical = scheme == PartitionScheme.MBR && sizes.size() > 4;
    List<Long> offsets = new ArrayList<>(sizes.size());
    long end = 0;
    for (int index = 0; index < sizes.size(); index++) {
      long size = sizes.get(index);
      PartitionSpecs.checkExtent(0, size);
      long ebrBytes = logical && index >= 3 ? DiskReads.SECTOR_SIZE : 0;
      long offset = alignUp(Math.max(end + ebrBytes, ALIGNMENT));
      offsets.add(offset);
      end = offset + size;
    }

    long backupGpt =
        scheme == PartitionScheme.GPT
            ? (GptWriter.ENTRY_ARRAY_SECTORS + 1L) * DiskReads.SECTOR_SIZE
            : 0;
    return new PartitionLayout(offsets, alignUp(end + backupGpt));
  }

  private static long alignUp(long bytes) {
    return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }
}
