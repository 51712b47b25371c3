package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.image.ImageBytes;
import java.util.List;

/**
 * Finds the boot partition of a disk image by name, never by number: the first partition whose GPT
 * name or FAT volume label equals one of the labels, tried in the order of the labels. A flasher
 * image (one with a partition labelled {@code flash-boot}) is configured there only. Stateless,
 * thread-safe.
 */
public final class BootPartitionFinder {

  /** The labels tried when none are configured, in order. */
  public static final List<String> DEFAULT_LABELS =
      List.of("flash-boot", "resin-boot", "balena-boot");

  private BootPartitionFinder() {}

  /**
   * Returns the boot partition among {@code table}'s partitions.
   *
   * @param labels labels to look for, in order of preference, compared case-insensitively
   * @throws OsImageException {@code NO_BOOT_PARTITION} naming the labels and the partitions seen
   */
  public static Partition find(ImageBytes image, PartitionTable table, List<String> labels) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
