package io.slipway.osimage.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Random;
import java.util.SortedMap;
import java.util.TimeZone;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Builds FAT filesystems and checks them with fsck.fat, mtools, fatlabel and blkid. */
class FatImageBuilderIT {

  private static final long MODIFIED_AT = Instant.parse("2025-11-02T08:30:00Z").toEpochMilli();
  private static final int VOLUME_ID = 0x1234abcd;

  @TempDir Path scratch;

  @BeforeEach
  void requireTools() {
    FatTools.require();
  }

  @ParameterizedTest
  @ValueSource(longs = {64L << 20, 600L << 20})
  void buildsFilesystemThatToolsRead(long size) throws Exception {
    Path image = build(size, 0, files());

    FatTools.Result fsck = FatTools.run("fsck.fat", "-n", image.toString());
    assertThat(fsck.exitCode()).as(fsck.output()).isZero();
    assertThat(fsck.output().strip().lines()).as(fsck.output()).hasSize(2);
    assertThat(FatTools.ok("mtype", "-i", image.toString(), "::config.json"))
        .isEqualTo("{\"fleet\":\"acme/kiosks\"}");
    assertThat(FatTools.mread(image.toString(), "overlays/vc4-kms-v3d.dtbo", scratch))
        .isEqualTo(files().get("overlays/vc4-kms-v3d.dtbo"));
    assertThat(FatTools.mdir(image.toString(), "system-connections"))
        .containsExactly("::/system-connections/slipway-wifi");
    assertThat(FatTools.ok("fatlabel", image.toString()).strip()).isEqualTo("resin-boot");
  }

  @Test
  void choosesFatTypeBySize() throws Exception {
    Path small = build(64L << 20, 0, files());
    Path large = build(600L << 20, 0, files());

    assertThat(FatTools.ok("minfo", "-i", small.toString(), "::"))
        .contains("disk type=\"FAT16   \"");
    assertThat(FatTools.ok("minfo", "-i", large.toString(), "::"))
        .contains("disk type=\"FAT32   \"");
  }

  @Test
  void setsLabelAndVolumeIdForBlkid() throws Exception {
    Path image = build(64L << 20, 0, files());

    String blkid = FatTools.ok("blkid", "-p", "-o", "export", image.toString());

    assertThat(blkid).contains("LABEL=resin-boot").contains("UUID=1234-ABCD").contains("TYPE=vfat");
  }

  @ParameterizedTest
  @ValueSource(longs = {64L << 20, 600L << 20})
  void buildsSameBytesTwice(long size) throws Exception {
    Path first = build(size, 0, files());
    TimeZone original = TimeZone.getDefault();
    Path second;
    try {
      // fat32-lib encodes its own time stamps in the default time zone; ours must not depend on it.
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
      second = build(size, 0, files());
    } finally {
      TimeZone.setDefault(original);
    }

    assertThat(Files.mismatch(first, second)).isEqualTo(-1L);
  }

  @Test
  void stampsEveryEntryWithModifiedTime() throws Exception {
    Path image = build(64L << 20, 0, files());

    String listing = FatTools.ok("mdir", "-i", image.toString(), "::system-connections");

    assertThat(listing).contains("2025-11-02").contains("8:30").doesNotContain("2026-");
  }

  @Test
  void writesAtOffsetWithHiddenSectors() throws Exception {
    long offset = 4L << 20;
    Path image = build(64L << 20, offset, files());

    String at = image + "@@" + offset;
    assertThat(FatTools.ok("minfo", "-i", at, "::")).contains("hidden sectors: 8192");
    assertThat(FatTools.ok("mtype", "-i", at, "::config.json"))
        .isEqualTo("{\"fleet\":\"acme/kiosks\"}");
  }

  @Test
  void extendsShortTarget() throws Exception {
    Path image = scratch.resolve("empty.img");
    Files.createFile(image);

    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
      FatImageBuilder.build(channel, 0, 64L << 20, "resin-boot", VOLUME_ID, files(), MODIFIED_AT);
    }

    assertThat(Files.size(image)).isEqualTo(64L << 20);
    assertThat(FatTools.run("fsck.fat", "-n", image.toString()).exitCode()).isZero();
  }

  @Test
  void rejectsFilesLargerThanFilesystem() throws Exception {
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put("rootfs.img", new byte[9 << 20]);

    assertThatThrownBy(() -> build(8L << 20, 0, files))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("bytes are needed")
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.BOOT_PARTITION_FULL);
  }

  @Test
  void rejectsInvalidLabel() {
    assertThatThrownBy(() -> build(64L << 20, 0, files(), "resin boot!"))
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.INVALID_CONFIG);
  }

  private Path build(long size, long offset, SortedMap<String, byte[]> files) throws IOException {
    return build(size, offset, files, "resin-boot");
  }

  private Path build(long size, long offset, SortedMap<String, byte[]> files, String label)
      throws IOException {
    Path image = scratch.resolve("built-" + System.nanoTime() + ".img");
    FatTools.sparseFile(image, offset + size);
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
      FatImageBuilder.build(channel, offset, size, label, VOLUME_ID, files, MODIFIED_AT);
    }
    return image;
  }

  private static SortedMap<String, byte[]> files() {
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put("config.json", "{\"fleet\":\"acme/kiosks\"}".getBytes(StandardCharsets.UTF_8));
    files.put("system-connections/slipway-wifi", "[wifi]\nssid=shop\n".getBytes());
    byte[] overlay = new byte[70_000];
    new Random(7).nextBytes(overlay);
    files.put("overlays/vc4-kms-v3d.dtbo", overlay);
    files.put("BOOTCODE.BIN", new byte[] {1, 2, 3});
    return files;
  }
}
