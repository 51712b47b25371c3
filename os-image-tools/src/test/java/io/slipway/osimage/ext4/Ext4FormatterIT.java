package io.slipway.osimage.ext4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.image.ImagePatch;
import io.slipway.osimage.testing.ExternalTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks filesystems written by {@link Ext4Formatter} with e2fsprogs, which Slipway did not write.
 */
class Ext4FormatterIT {

  private static final UUID UUID_VALUE = UUID.fromString("6f1c2a3e-54b7-4c1d-9e8f-0a1b2c3d4e5f");
  private static final long CREATED_AT = 1_700_000_000L;

  @TempDir Path directory;

  @ParameterizedTest(name = "{0} MiB")
  // One group, one short group, several groups with backups, and a dropped short last group.
  @ValueSource(longs = {8, 20, 64, 129, 300, 1030})
  void formattedFilesystemPassesE2fsck(long mebibytes) throws Exception {
    Path image = format(mebibytes << 20, "resin-state");

    ExternalTool.Result check =
        ExternalTool.run("/usr/sbin/e2fsck", "e2fsprogs", "-fn", image.toString());

    assertThat(check.output()).doesNotContainIgnoringCase("fix");
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void rootDirectoryListsLostAndFound() throws Exception {
    Path image = format(20L << 20, "resin-data");

    ExternalTool.Result listing =
        ExternalTool.run("/usr/sbin/debugfs", "e2fsprogs", "-R", "ls -l /", image.toString());

    assertThat(listing.output()).contains("lost+found");
  }

  @Test
  void superblockCarriesLabelUuidAndJournal() throws Exception {
    Path image = format(64L << 20, "resin-rootB");

    ExternalTool.Result superblock =
        ExternalTool.run("/usr/sbin/dumpe2fs", "e2fsprogs", "-h", image.toString());

    assertThat(superblock.output()).containsPattern("Filesystem volume name:\\s+resin-rootB");
    assertThat(superblock.output()).containsPattern("Filesystem UUID:\\s+" + UUID_VALUE);
    assertThat(superblock.output()).containsPattern("Filesystem features:.*has_journal");
    assertThat(superblock.output()).containsPattern("Filesystem features:.*extent");
  }

  @Test
  void blkidProbesExt4() throws Exception {
    Path image = format(20L << 20, "resin-state");

    ExternalTool.Result probe =
        ExternalTool.run("/usr/sbin/blkid", "util-linux", "-p", "-o", "export", image.toString());

    assertThat(probe.output()).contains("TYPE=ext4");
    assertThat(probe.output()).contains("LABEL=resin-state");
  }

  @Test
  void sameArgumentsGiveSameBlocks() {
    ImagePatch first = Ext4Formatter.format(64L << 20, "resin-data", UUID_VALUE, CREATED_AT);
    ImagePatch second = Ext4Formatter.format(64L << 20, "resin-data", UUID_VALUE, CREATED_AT);

    assertThat(second.ranges()).isEqualTo(first.ranges());
  }

  @Test
  void labelLongerThanSixteenBytesIsRejected() {
    assertThatThrownBy(
            () -> Ext4Formatter.format(64L << 20, "a-label-of-17-chr", UUID_VALUE, CREATED_AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a-label-of-17-chr");
  }

  @Test
  void sizeBelowMinimumIsRejected() {
    assertThatThrownBy(() -> Ext4Formatter.format(4L << 20, "small", UUID_VALUE, CREATED_AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(4L << 20));
  }

  private Path format(long size, String label) throws IOException {
    Path image = directory.resolve(label + "-" + size + ".ext4");
    ImagePatch patch = Ext4Formatter.format(size, label, UUID_VALUE, CREATED_AT);
    try (FileChannel channel =
        FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (ImagePatch.Range range : patch.ranges()) {
        channel.write(ByteBuffer.wrap(range.content()), range.offset());
      }
      channel.truncate(size);
      if (channel.size() < size) {
        channel.write(ByteBuffer.allocate(1), size - 1);
      }
    }
    return image;
  }
}
