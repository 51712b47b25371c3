package io.slipway.osimage.assemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.disk.PartitionScheme;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiskLayoutTest {

  private static final long MIB = 1L << 20;
  private static final PartitionSizes SIZES =
      new PartitionSizes(40 * MIB, 320 * MIB, 20 * MIB, 64 * MIB);
  private static final List<String> NAMES =
      List.of("resin-boot", "resin-rootA", "resin-rootB", "resin-state", "resin-data");

  @Test
  void mbrPutsLogicalPartitionsBehindTheirEbrs() {
    DiskLayout layout = DiskLayout.of(PartitionScheme.MBR, SIZES, NAMES, DiskLayout.MBR_FAT16);

    assertThat(layout.boot().offset()).isEqualTo(4 * MIB);
    assertThat(layout.rootA().offset()).isEqualTo(44 * MIB);
    assertThat(layout.rootB().offset()).isEqualTo(364 * MIB);
    assertThat(layout.state().offset()).isEqualTo(688 * MIB);
    assertThat(layout.data().offset()).isEqualTo(712 * MIB);
    assertThat(layout.diskSize()).isEqualTo(776 * MIB);
  }

  @Test
  void mbrNumbersLogicalPartitionsFromFive() {
    DiskLayout layout = DiskLayout.of(PartitionScheme.MBR, SIZES, NAMES, DiskLayout.MBR_FAT16);

    assertThat(layout.partitions()).extracting(Partition::number).containsExactly(1, 2, 3, 5, 6);
    assertThat(layout.partitions()).extracting(Partition::name).containsOnly("");
    assertThat(layout.boot().type()).isEqualTo("0e");
  }

  @Test
  void gptLeavesRoomForTheBackupTable() {
    DiskLayout layout = DiskLayout.of(PartitionScheme.GPT, SIZES, NAMES, DiskLayout.MBR_FAT16);

    assertThat(layout.state().offset()).isEqualTo(684 * MIB);
    assertThat(layout.data().end()).isEqualTo(768 * MIB);
    assertThat(layout.diskSize()).isEqualTo(769 * MIB);
  }

  @Test
  void gptNamesEveryPartition() {
    DiskLayout layout = DiskLayout.of(PartitionScheme.GPT, SIZES, NAMES, DiskLayout.MBR_FAT16);

    assertThat(layout.partitions()).extracting(Partition::name).containsExactlyElementsOf(NAMES);
    assertThat(layout.partitions()).extracting(Partition::number).containsExactly(1, 2, 3, 4, 5);
    assertThat(layout.boot().type()).isEqualTo(DiskLayout.GPT_EFI_SYSTEM);
  }

  @Test
  void everyPartitionStartsAligned() {
    for (PartitionScheme scheme : PartitionScheme.values()) {
      DiskLayout layout = DiskLayout.of(scheme, SIZES, NAMES, DiskLayout.MBR_FAT32);

      assertThat(layout.partitions())
          .as("%s", scheme)
          .allSatisfy(p -> assertThat(p.offset() % DiskLayout.ALIGNMENT).isZero());
    }
  }

  @Test
  void alignRoundsUpToFourMebibytes() {
    assertThat(DiskLayout.align(1)).isEqualTo(4 * MIB);
    assertThat(DiskLayout.align(4 * MIB)).isEqualTo(4 * MIB);
    assertThat(DiskLayout.align(4 * MIB + 1)).isEqualTo(8 * MIB);
  }

  @Test
  void sizeNotMultipleOfAlignmentIsRejected() {
    assertThatThrownBy(() -> new PartitionSizes(40 * MIB, 300 * MIB + 512, 20 * MIB, 64 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("root")
        .hasMessageContaining(String.valueOf(300 * MIB + 512));
  }
}
