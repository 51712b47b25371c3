package io.slipway.osimage.assemble;

/**
 * Sizes of an assembled image's partitions in bytes, each a positive multiple of 4 MiB.
 *
 * @param boot the boot partition
 * @param root each of the two root filesystem slots
 * @param state the state partition
 * @param data the data partition
 */
record PartitionSizes(long boot, long root, long state, long data) {

  PartitionSizes {
    check("boot", boot);
    check("root", root);
    check("state", state);
    check("data", data);
  }

  private static void check(String partition, long size) {
    if (size <= 0 || size % DiskLayout.ALIGNMENT != 0) {
      throw new IllegalArgumentException(
          "Invalid "
              + partition
              + " partition size "
              + size
              + ": use a positive multiple of 4 MiB");
    }
  }
}
