package io.slipway.osimage.disk;

import static io.slipway.osimage.testing.DiskTools.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.testing.DiskTools;
import io.slipway.osimage.testing.RecordedImage;
import io.slipway.osimage.testing.TestImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finds boot partitions in images that sfdisk and mkfs.vfat made. */
class BootPartitionFinderIT {

  private static final List<String> DEFAULT = BootPartitionFinder.DEFAULT_LABELS;

  @TempDir Path directory;

  @ParameterizedTest(name = "FAT{0}")
  @ValueSource(ints = {16, 32})
  void mbrBootFoundByFatLabel(int fatBits) throws IOException {
    Path image = TestImages.raspberryPi(directory, fatBits, "resin-boot");

    Partition boot = find(image, DEFAULT);

    assertThat(boot.number()).isEqualTo(1);
    assertThat(boot.offset()).isEqualTo(TestImages.BOOT_OFFSET);
  }

  @Test
  void mbrBootFoundWithoutReadingOtherPartitions() throws IOException {
    Path image = TestImages.raspberryPi(directory, 32, "resin-boot");

    try (RecordedImage bytes = RecordedImage.open(image)) {
      PartitionTable table = PartitionTableReader.read(bytes);
      long tableReadEnd = bytes.readEnd();
      BootPartitionFinder.find(bytes, table, DEFAULT);

      // The table's last EBR lies past the boot partition; the search itself reads below it.
      assertThat(bytes.readEnd()).isEqualTo(tableReadEnd);
    }
  }

  @Test
  void gptBootFoundWithoutReadingPastIt() throws IOException {
    Path image = TestImages.genericX86(directory, 4, "EFI System", 32, "resin-boot");

    try (RecordedImage bytes = RecordedImage.open(image)) {
      BootPartitionFinder.find(bytes, PartitionTableReader.read(bytes), DEFAULT);

      assertThat(bytes.readEnd())
          .isLessThan(TestImages.GENERIC_X86_BOOT_OFFSET + TestImages.BOOT_SIZE);
    }
  }

  @ParameterizedTest(name = "number {0}")
  @ValueSource(ints = {4, 9, 37})
  void gptBootFoundByNameAtAnyNumber(int number) throws IOException {
    Path image = TestImages.genericX86(directory, number, "resin-boot", 32, null);

    Partition boot = find(image, DEFAULT);

    assertThat(boot.number()).isEqualTo(number);
    assertThat(boot.offset()).isEqualTo(TestImages.GENERIC_X86_BOOT_OFFSET);
  }

  @Test
  void mbrBootFoundInLogicalPartition() throws IOException {
    Path image = DiskTools.sparseFile(directory.resolve("logical.img"), 128 * MIB);
    DiskTools.sfdisk(
        image,
        """
        label: dos
        start=4MiB, size=20MiB, type=83
        start=24MiB, type=f
        start=28MiB, size=8MiB, type=83
        start=40MiB, size=40MiB, type=c
        """);
    DiskTools.mkfsVfat(image, 40 * MIB, 40 * MIB, 16, "balena-boot");

    Partition boot = find(image, DEFAULT);

    assertThat(boot.number()).isEqualTo(6);
    assertThat(boot.offset()).isEqualTo(40 * MIB);
  }

  @Test
  void gptBootFoundByFatLabel() throws IOException {
    Path image = TestImages.genericX86(directory, 11, "EFI System", 16, "balena-boot");

    Partition boot = find(image, DEFAULT);

    assertThat(boot.number()).isEqualTo(11);
    assertThat(boot.name()).isEqualTo("EFI System");
  }

  @Test
  void labelsMatchIgnoringCaseAndSpaces() throws IOException {
    Path image = TestImages.raspberryPi(directory, 16, "RESIN-BOOT");

    Partition boot = find(image, List.of("  Resin-Boot "));

    assertThat(boot.number()).isEqualTo(1);
  }

  @Test
  void earlierLabelWins() throws IOException {
    Path image = twoFatPartitions("resin-boot", "balena-boot");

    Partition boot = find(image, List.of("balena-boot", "resin-boot"));

    assertThat(boot.number()).isEqualTo(2);
  }

  @Test
  void flasherBootWinsWhateverTheOrder() throws IOException {
    Path image = twoFatPartitions("resin-boot", "flash-boot");

    Partition boot = find(image, List.of("resin-boot", "balena-boot", "flash-boot"));

    assertThat(boot.number()).isEqualTo(2);
  }

  @Test
  void flasherBootIgnoredWhenNotAmongLabels() throws IOException {
    Path image = twoFatPartitions("resin-boot", "flash-boot");

    Partition boot = find(image, List.of("resin-boot"));

    assertThat(boot.number()).isEqualTo(1);
  }

  @Test
  void fatLabelFoundInLinuxTypedPartition() throws IOException {
    Path image = TestImages.raspberryPi(directory, 16, "other");
    // Root B contains the boot filesystem in this image, but its type is Linux.
    DiskTools.mkfsVfat(image, 108 * MIB, 64 * MIB, 16, "resin-boot");

    Partition boot = find(image, DEFAULT);

    assertThat(boot.number()).isEqualTo(3);
  }

  @Test
  void missingLabelNamesLabelsAndPartitions() {
    Path image = TestImages.raspberryPi(directory, 16, "boot");

    assertThatThrownBy(() -> find(image, DEFAULT))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NO_BOOT_PARTITION)
        .hasMessageContaining("flash-boot, resin-boot, balena-boot")
        .hasMessageContaining("partition 1: type 0c, FAT label 'boot'")
        .hasMessageContaining("partition 6: type 83, no FAT label")
        .hasMessageContaining("--boot-label")
        .hasMessageContaining("slipway.os-images.boot-labels");
  }

  @Test
  void missingLabelListsGptNames() {
    Path image = TestImages.genericX86(directory, 4, "EFI System", 16, null);

    assertThatThrownBy(() -> find(image, DEFAULT))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NO_BOOT_PARTITION)
        .hasMessageContaining(
            "partition 4: type c12a7328-f81f-11d2-ba4b-00a0c93ec93b,"
                + " GPT name 'EFI System', no FAT label");
  }

  @Test
  void emptyLabelListIsRejected() {
    Path image = TestImages.raspberryPi(directory, 16, "resin-boot");

    assertThatThrownBy(() -> find(image, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No boot partition labels");
  }

  /** Creates an MBR image with two FAT partitions of the given labels, numbered 1 and 2. */
  private Path twoFatPartitions(String firstLabel, String secondLabel) {
    Path image = DiskTools.sparseFile(directory.resolve("two.img"), 128 * MIB);
    DiskTools.sfdisk(
        image,
        """
        label: dos
        start=4MiB, size=40MiB, type=c
        start=44MiB, size=40MiB, type=c
        """);
    DiskTools.mkfsVfat(image, 4 * MIB, 40 * MIB, 16, firstLabel);
    DiskTools.mkfsVfat(image, 44 * MIB, 40 * MIB, 16, secondLabel);
    return image;
  }

  private static Partition find(Path image, List<String> labels) throws IOException {
    try (RecordedImage bytes = RecordedImage.open(image)) {
      return BootPartitionFinder.find(bytes, PartitionTableReader.read(bytes), labels);
    }
  }
}
