package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.image.ImageBytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

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

  /** The label of a flasher image's own boot partition, which wins over every other label. */
  public static final String FLASHER_LABEL = "flash-boot";

  // Partition types that hold FAT filesystems: MBR FAT12, FAT16, FAT32 (CHS and LBA), their hidden
  // variants and EFI; GPT EFI system and Microsoft basic data. Their labels are read first because
  // reading a partition's first sector from a compressed image costs decompressing up to it.
  private static final Set<String> FAT_TYPES =
      Set.of(
          "01",
          "04",
          "06",
          "0b",
          "0c",
          "0e",
          "11",
          "14",
          "16",
          "1b",
          "1c",
          "1e",
          "ef",
          "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
          "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7");

  private BootPartitionFinder() {}

  /**
   * Returns the boot partition among {@code table}'s partitions. When {@code labels} contains
   * {@code flash-boot} and a partition carries it, that partition is returned whatever the order.
   * Otherwise the first label that some partition carries decides, and among partitions carrying it
   * the lowest-numbered. Labels and names are compared case-insensitively after trimming.
   *
   * <p>FAT labels are read from partitions of a FAT or EFI type first. Partitions of other types
   * are read only when none of those match, so that the boot partition of a compressed image is
   * found without decompressing the image up to its last partition.
   *
   * @param labels labels to look for, in order of preference, compared case-insensitively
   * @throws OsImageException {@code NO_BOOT_PARTITION} naming the labels and the partitions seen,
   *     {@code IO} when reading the image fails
   * @throws IllegalArgumentException when {@code labels} is empty or contains a blank label
   */
  public static Partition find(ImageBytes image, PartitionTable table, List<String> labels) {
    List<String> preferred = preferenceOrder(labels);
    Map<Integer, Optional<String>> fatLabels = new HashMap<>();

    Optional<Partition> found = search(image, table, preferred, fatLabels, false);
    if (found.isEmpty()) {
      found = search(image, table, preferred, fatLabels, true);
    }
    return found.orElseThrow(() -> notFound(labels, table, fatLabels));
  }

  private static List<String> preferenceOrder(List<String> labels) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("No boot partition labels given: pass at least one");
    }
    List<String> preferred = new ArrayList<>();
    for (String label : labels) {
      if (label == null || label.isBlank()) {
        throw new IllegalArgumentException(
            "Invalid boot partition label '" + label + "' in " + labels + ": use a non-blank one");
      }
      preferred.add(normalize(label));
    }
    if (preferred.remove(FLASHER_LABEL)) {
      preferred.add(0, FLASHER_LABEL);
    }
    return preferred;
  }

  private static Optional<Partition> search(
      ImageBytes image,
      PartitionTable table,
      List<String> preferred,
      Map<Integer, Optional<String>> fatLabels,
      boolean readEveryPartition) {
    for (String label : preferred) {
      for (Partition partition : table.partitions()) {
        if (normalize(partition.name()).equals(label)) {
          return Optional.of(partition);
        }
        if (!readEveryPartition && !FAT_TYPES.contains(partition.type())) {
          continue;
        }
        Optional<String> fatLabel = fatLabel(image, partition, fatLabels);
        if (fatLabel.isPresent() && normalize(fatLabel.get()).equals(label)) {
          return Optional.of(partition);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> fatLabel(
      ImageBytes image, Partition partition, Map<Integer, Optional<String>> fatLabels) {
    return fatLabels.computeIfAbsent(partition.number(), number -> FatLabel.read(image, partition));
  }

  private static String normalize(String label) {
    return label.trim().toLowerCase(Locale.ROOT);
  }

  private static OsImageException notFound(
      List<String> labels, PartitionTable table, Map<Integer, Optional<String>> fatLabels) {
    StringJoiner seen = new StringJoiner("; ");
    for (Partition partition : table.partitions()) {
      String fatLabel =
          fatLabels
              .getOrDefault(partition.number(), Optional.empty())
              .map(label -> "FAT label '" + label + "'")
              .orElse("no FAT label");
      String gptName = partition.gptName().map(name -> "GPT name '" + name + "', ").orElse("");
      seen.add(
          "partition "
              + partition.number()
              + ": type "
              + partition.type()
              + ", "
              + gptName
              + fatLabel);
    }
    String partitions = table.partitions().isEmpty() ? "no partitions" : seen.toString();
    return new OsImageException(
        OsImageFailure.NO_BOOT_PARTITION,
        "No partition has the GPT name or FAT label "
            + String.join(", ", labels)
            + ". The "
            + table.scheme()
            + " image holds "
            + partitions
            + ". Name the image's boot partition label with --boot-label, or on the server with"
            + " slipway.os-images.boot-labels");
  }
}
