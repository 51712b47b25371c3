package io.slipway.osimage.disk;

import java.util.List;
import java.util.function.ToLongFunction;

/** Checks shared by the partition specs and the table writers. */
final class PartitionSpecs {

  private PartitionSpecs() {}

  /** Checks that a partition's offset and size are whole sectors and its size is positive. */
  static void checkExtent(long offset, long size) {
    if (offset < 0 || offset % DiskReads.SECTOR_SIZE != 0) {
      throw new IllegalArgumentException(
          "Invalid partition offset " + offset + ": use a non-negative multiple of 512");
    }
    if (size <= 0 || size % DiskReads.SECTOR_SIZE != 0) {
      throw new IllegalArgumentException(
          "Invalid partition size " + size + ": use a positive multiple of 512");
    }
  }

  /** Checks that the disk size is whole sectors and at least {@code minimum} bytes. */
  static void checkDiskSize(long diskSize, long minimum) {
    if (diskSize < minimum || diskSize % DiskReads.SECTOR_SIZE != 0) {
      throw new IllegalArgumentException(
          "Invalid disk size "
              + diskSize
              + ": use a multiple of 512 of at least "
              + minimum
              + " bytes");
    }
  }

  /**
   * Checks that partitions, given in ascending order of offset, do not overlap and lie within
   * {@code firstByte} (inclusive) and {@code endByte} (exclusive).
   */
  static <T> void checkPlacement(
      List<T> sorted,
      ToLongFunction<T> offset,
      ToLongFunction<T> size,
      long firstByte,
      long endByte) {
    long previousEnd = firstByte;
    for (int index = 0; index < sorted.size(); index++) {
      T partition = sorted.get(index);
      long start = offset.applyAsLong(partition);
      long end = start + size.applyAsLong(partition);
      if (start < previousEnd || end > endByte) {
        throw new IllegalArgumentException(
            "Invalid partition "
                + partition
                + ": it overlaps the previous partition or lies outside bytes "
                + firstByte
                + " to "
                + endByte
                + " of the disk; place partitions in order, apart, within the disk");
      }
      previousEnd = end;
    }
  }
}
