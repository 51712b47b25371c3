package io.slipway.osimage.testing;

import static io.slipway.osimage.testing.DiskTools.MIB;

import java.nio.file.Path;

/**
 * Disk images shaped like the ones Yocto builds for devices, made with sfdisk and mkfs.vfat in a
 * sparse file.
 */
public final class TestImages {

  /** Byte offset of the boot partition of both shapes that start with it. */
  public static final long BOOT_OFFSET = 4 * MIB;

  /** Size of the boot partition in bytes: large enough for FAT32 with 512-byte clusters. */
  public static final long BOOT_SIZE = 40 * MIB;

  /**
   * The partition table of {@link #raspberryPi}: FAT boot, root A and B, then an extended partition
   * holding state and data as logical partitions 5 and 6.
   */
  public static final String RASPBERRY_PI_SCRIPT =
      """
      label: dos
      label-id: 0x1234abcd
      unit: sectors

      start=4MiB, size=40MiB, type=c, bootable
      start=44MiB, size=64MiB, type=83
      start=108MiB, size=64MiB, type=83
      start=172MiB, type=f
      start=176MiB, size=8MiB, type=83
      start=188MiB, size=32MiB, type=83
      """;

  /** Byte offset of the boot partition of {@link #genericX86}. */
  public static final long GENERIC_X86_BOOT_OFFSET = 132 * MIB;

  private TestImages() {}

  /**
   * Creates a 256 MiB MBR image shaped like a Raspberry Pi image, its boot partition formatted as
   * FAT{@code fatBits} labelled {@code bootLabel}.
   */
  public static Path raspberryPi(Path directory, int fatBits, String bootLabel) {
    Path image = DiskTools.sparseFile(directory.resolve("raspberrypi.img"), 256 * MIB);
    DiskTools.sfdisk(image, RASPBERRY_PI_SCRIPT);
    DiskTools.mkfsVfat(image, BOOT_OFFSET, BOOT_SIZE, fatBits, bootLabel);
    return image;
  }

  /**
   * Creates a 512 MiB GPT image shaped like a generic x86 image: root A and B first, the EFI system
   * partition named {@code bootName} as partition {@code bootNumber} (3 to 11 or 14 to 128), state
   * and data as partitions 12 and 13. The boot partition starts at 132 MiB and contains FAT{@code
   * fatBits} labelled {@code bootLabel}.
   */
  public static Path genericX86(
      Path directory, int bootNumber, String bootName, int fatBits, String bootLabel) {
    Path image = DiskTools.sparseFile(directory.resolve("generic-x86.img"), 512 * MIB);
    String linux = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    String script =
        "label: gpt\n"
            + "label-id: 6E1D5A2B-0C8F-4E55-9B3A-2B1D7C9E0F11\n"
            + "unit: sectors\n\n"
            + node(image, 1)
            + "start=4MiB, size=64MiB, type="
            + linux
            + ", name=resin-rootA\n"
            + node(image, 2)
            + "start=68MiB, size=64MiB, type="
            + linux
            + ", name=resin-rootB\n"
            + node(image, bootNumber)
            + "start=132MiB, size=40MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\""
            + bootName
            + "\", attrs=LegacyBIOSBootable\n"
            + node(image, 12)
            + "start=172MiB, size=8MiB, type="
            + linux
            + ", name=resin-state\n"
            + node(image, 13)
            + "start=180MiB, size=100MiB, type="
            + linux
            + ", name=resin-data\n";
    DiskTools.sfdisk(image, script);
    DiskTools.mkfsVfat(image, GENERIC_X86_BOOT_OFFSET, BOOT_SIZE, fatBits, bootLabel);
    return image;
  }

  // sfdisk numbers a script's partition by the device name in front of it.
  private static String node(Path image, int number) {
    return image + Integer.toString(number) + " : ";
  }
}
