package io.slipway.osimage.assemble;

import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.disk.PartitionScheme;
import java.util.List;

/**
 * The placement of the five partitions of an assembled image. Every partition starts on a 4 MiB
 * boundary and every size is a multiple of 4 MiB. The first 4 MiB hold the MBR or the primary GPT.
 * With MBR, boot, rootA and rootB are primary partitions 1 to 3, and an extended partition 4
 * contains state and data as logical partitions 5 and 6, each behind 4 MiB that start with its
 * extended boot record. With GPT, the partitions are 1 to 5 in that order, and the disk ends 1 MiB
 * after the data partition to leave room for the backup GPT.
 *
 * @param scheme MBR or GPT
 * @param boot the boot partition
 * @param rootA the first root filesystem slot
 * @param rootB the second root filesystem slot, as large as rootA
 * @param state the state partition
 * @param data the data partition
 * @param diskSize the image's size in bytes
 */
record DiskLayout(
    PartitionScheme scheme,
    Partition boot,
    Partition rootA,
    Partition rootB,
    Partition state,
    Partition data,
    long diskSize) {

  /** Partition alignment, and the unit every partition size is rounded up to. */
  static final long ALIGNMENT = 4L << 20;

  static final int SECTOR_SIZE = 512;

  /** Room after the GPT data partition for the backup GPT (33 sectors), kept to whole MiB. */
  static final long GPT_BACKUP_ROOM = 1L << 20;

  /** MBR partition type for a FAT32 filesystem addressed by LBA. */
  static final String MBR_FAT32 = "0c";

  /** MBR partition type for a FAT16 filesystem addressed by LBA. */
  static final String MBR_FAT16 = "0e";

  static final String MBR_LINUX = "83";

  /** GPT type of the EFI system partition, which firmware looks for and boot partitions use. */
  static final String GPT_EFI_SYSTEM = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";

  static final String GPT_LINUX_FILESYSTEM = "0fc63daf-8483-4772-8e79-3d69d8477de4";

  /**
   * Lays out partitions of the given sizes, each already a multiple of {@link #ALIGNMENT}.
   *
   * @param names the GPT names of boot, rootA, rootB, state and data, in that order
   * @param bootType the boot partition's MBR type ({@link #MBR_FAT16} or {@link #MBR_FAT32})
   */
  static DiskLayout of(
      PartitionScheme scheme, PartitionSizes sizes, List<String> names, String bootType) {
    boolean gpt = scheme == PartitionScheme.GPT;
    String linux = gpt ? GPT_LINUX_FILESYSTEM : MBR_LINUX;

    String bootPartitionType = gpt ? GPT_EFI_SYSTEM : bootType;
    Partition boot =
        new Partition(1, ALIGNMENT, sizes.boot(), bootPartitionType, gptName(gpt, names, 0));
    Partition rootA = new Partition(2, boot.end(), sizes.root(), linux, gptName(gpt, names, 1));
    Partition rootB = new Partition(3, rootA.end(), sizes.root(), linux, gptName(gpt, names, 2));
    if (gpt) {
      Partition state = new Partition(4, rootB.end(), sizes.state(), linux, names.get(3));
      Partition data = new Partition(5, state.end(), sizes.data(), linux, names.get(4));
      return new DiskLayout(scheme, boot, rootA, rootB, state, data, data.end() + GPT_BACKUP_ROOM);
    }
    // Each logical partition is preceded by an aligned gap whose first sector is its EBR.
    long extended = rootB.end();
    Partition state = new Partition(5, extended + ALIGNMENT, sizes.state(), linux, "");
    Partition data = new Partition(6, state.end() + ALIGNMENT, sizes.data(), linux, "");
    return new DiskLayout(scheme, boot, rootA, rootB, state, data, data.end());
  }

  private static String gptName(boolean gpt, List<String> names, int index) {
    return gpt ? names.get(index) : "";
  }

  /** Returns the data partitions ordered by number. */
  List<Partition> partitions() {
    return List.of(boot, rootA, rootB, state, data);
  }

  /** Returns {@code bytes} rounded up to a multiple of {@link #ALIGNMENT}. */
  static long align(long bytes) {
    return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }
}
