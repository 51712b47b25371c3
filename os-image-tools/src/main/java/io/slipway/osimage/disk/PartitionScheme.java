package io.slipway.osimage.disk;

/** The kind of partition table of a disk image. */
public enum PartitionScheme {
  /** The DOS partition table: four primary entries, logical partitions in an extended one. */
  MBR,
  /** The GUID partition table behind a protective MBR. */
  GPT
}
