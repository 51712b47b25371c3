package io.slipway.osimage;

/**
 * The reason an OS image could not be read, configured or assembled, with names stable for callers.
 */
public enum OsImageFailure {
  /** The input is no disk image: no MBR signature, or a partition table that does not fit it. */
  NOT_A_DISK_IMAGE,
  /** No partition carries one of the boot labels that were asked for. */
  NO_BOOT_PARTITION,
  /** The boot partition's filesystem is not FAT12, FAT16 or FAT32, or it is damaged. */
  UNSUPPORTED_FILESYSTEM,
  /** The files do not fit into the boot partition's free space or root directory. */
  BOOT_PARTITION_FULL,
  /** An archive or compressed stream ends early or fails its own checks. */
  CORRUPT_ARCHIVE,
  /** A zip archive contains no image, or more than one. */
  AMBIGUOUS_ARCHIVE,
  /** A zip entry's name is absolute or climbs out of the archive with {@code ..}. */
  UNSAFE_ARCHIVE_ENTRY,
  /** A config.json, file name or option is invalid. */
  INVALID_CONFIG,
  /** Assembly inputs are missing, too large for the layout, or of the wrong kind. */
  INVALID_INPUT,
  /** Reading or writing failed. */
  IO
}
