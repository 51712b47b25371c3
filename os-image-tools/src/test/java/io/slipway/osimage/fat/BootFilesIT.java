package io.slipway.osimage.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.waldheinz.fs.fat.FatType;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.disk.FatLabel;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.image.FileImageBytes;
import io.slipway.osimage.image.ImagePatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes files into FAT12, FAT16 and FAT32 filesystems made by mkfs.vfat and filled by mcopy, and
 * checks the patched copies with fsck.fat and mtools.
 */
class BootFilesIT {

  private static final long MODIFIED_AT = Instant.parse("2026-03-14T15:09:26Z").toEpochMilli();
  private static final byte[] CONFIG =
      "{\"fleet\":\"acme/kiosks\"}\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path scratch;

  @BeforeEach
  void requireTools() {
    FatTools.require();
  }

  @ParameterizedTest
  @ValueSource(ints = {12, 16, 32})
  void writesNewFilesAndDirectories(int fatBits) throws Exception {
    Path image = filesystem(fatBits);
    byte[] bootcode = random(150_000, 1);
    FatTools.mcopy(image.toString(), "bootcode.bin", bootcode, scratch);
    FatTools.ok("mmd", "-i", image.toString(), "::splash");

    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put("config.json", CONFIG);
    files.put("system-connections/slipway-wifi", "[wifi]\nssid=shop\n".getBytes());
    files.put("splash/balena-logo.png", random(20_000, 2));
    Path patched = configure(image, files);

    assertFsckClean(patched.toString());
    assertThat(FatTools.ok("mtype", "-i", patched.toString(), "::config.json"))
        .isEqualTo(new String(CONFIG, StandardCharsets.UTF_8));
    assertThat(FatTools.mread(patched.toString(), "splash/balena-logo.png", scratch))
        .isEqualTo(files.get("splash/balena-logo.png"));
    assertThat(FatTools.mread(patched.toString(), "system-connections/slipway-wifi", scratch))
        .isEqualTo(files.get("system-connections/slipway-wifi"));
    assertThat(FatTools.mdir(patched.toString(), "system-connections"))
        .containsExactly("::/system-connections/slipway-wifi");
    assertThat(FatTools.mread(patched.toString(), "bootcode.bin", scratch)).isEqualTo(bootcode);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 32})
  void replacesExistingFileAndFreesItsClusters(int fatBits) throws Exception {
    Path image = filesystem(fatBits);
    FatTools.mcopy(image.toString(), "config.json", random(300_000, 3), scratch);
    FatTools.mcopy(image.toString(), "cmdline.txt", "console=tty1\n".getBytes(), scratch);
    String freeBefore = clusterSummary(image);

    Path patched = configure(image, new TreeMap<>(Map.of("config.json", CONFIG)));

    assertFsckClean(patched.toString());
    assertThat(FatTools.ok("mtype", "-i", patched.toString(), "::config.json"))
        .isEqualTo(new String(CONFIG, StandardCharsets.UTF_8));
    assertThat(FatTools.ok("mtype", "-i", patched.toString(), "::cmdline.txt"))
        .isEqualTo("console=tty1\n");
    assertThat(clusterSummary(patched)).isNotEqualTo(freeBefore);
    assertThat(usedClusters(patched)).isLessThan(usedClusters(image));
  }

  @Test
  void writesIntoPartitionOfDiskImage() throws Exception {
    Path disk = FatTools.sparseFile(scratch.resolve("disk.img"), 80L << 20);
    FatTools.ok(
        "sh",
        "-c",
        "printf 'label: dos\\nstart=2048, size=81920, type=c\\nstart=86016, type=83\\n' | sfdisk -q "
            + disk);
    long offset = 2048L * 512;
    FatTools.ok(
        "mkfs.vfat", "-F", "16", "-n", "resin-boot", "--offset", "2048", disk.toString(), "40960");
    String at = disk + "@@" + offset;
    FatTools.mcopy(at, "config.json", "{}".getBytes(), scratch);
    fill(disk, 86016L * 512, 1 << 20, (byte) 0x5a);
    byte[] before = Files.readAllBytes(disk);

    Partition boot = new Partition(1, offset, 81920L * 512, "0c", "");
    ImagePatch patch;
    try (FileImageBytes bytes = FileImageBytes.open(disk)) {
      patch =
          BootFiles.write(bytes, boot, new TreeMap<>(Map.of("config.json", CONFIG)), MODIFIED_AT);
    }
    Path patched = FatTools.applied(disk, patch, scratch.resolve("patched.img"));

    assertThat(patch.ranges())
        .allSatisfy(range -> assertThat(range.offset()).isGreaterThanOrEqualTo(boot.offset()))
        .allSatisfy(range -> assertThat(range.end()).isLessThanOrEqualTo(boot.end()));
    byte[] after = Files.readAllBytes(patched);
    assertThat(Arrays.copyOfRange(after, 0, (int) offset))
        .isEqualTo(Arrays.copyOfRange(before, 0, (int) offset));
    assertThat(Arrays.copyOfRange(after, (int) boot.end(), after.length))
        .isEqualTo(Arrays.copyOfRange(before, (int) boot.end(), before.length));
    assertThat(FatTools.ok("mtype", "-i", patched + "@@" + offset, "::config.json"))
        .isEqualTo(new String(CONFIG, StandardCharsets.UTF_8));
    assertThat(FatTools.run("fsck.fat", "-n", extract(patched, offset, boot.size())).exitCode())
        .isZero();
  }

  @Test
  void acceptsUnknownFsInfoFreeCount() throws Exception {
    Path image = filesystem(32);
    FatTools.mcopy(image.toString(), "start.elf", random(500_000, 4), scratch);
    byte[] unknown = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    write(image, 512 + 488, unknown);
    write(image, 512 + 492, unknown);
    assertThat(FatTools.ok("fsck.fat", "-n", image.toString()))
        .contains("Free cluster summary uninitialized");

    Path patched = configure(image, new TreeMap<>(Map.of("config.json", CONFIG)));

    assertFsckClean(patched.toString());
    assertThat(FatTools.ok("mtype", "-i", patched.toString(), "::config.json"))
        .isEqualTo(new String(CONFIG, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 1_000_000})
  void correctsStaleFsInfoFreeCount(int staleCount) throws Exception {
    Path image = filesystem(32);
    write(
        image,
        512 + 488,
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(staleCount).array());
    FatTools.Result before = FatTools.run("fsck.fat", "-n", image.toString());
    assertThat(before.output()).contains("Free cluster summary wrong");
    assertThat(before.exitCode()).isEqualTo(1);

    Path patched = configure(image, new TreeMap<>(Map.of("config.json", CONFIG)));

    assertFsckClean(patched.toString());
  }

  @Test
  void replacesReadOnlyFile() throws Exception {
    Path image = filesystem(16);
    FatTools.mcopy(image.toString(), "config.json", "{}".getBytes(), scratch);
    FatTools.ok("mattrib", "-i", image.toString(), "+r", "::config.json");

    Path patched = configure(image, new TreeMap<>(Map.of("config.json", CONFIG)));

    assertFsckClean(patched.toString());
    assertThat(FatTools.ok("mtype", "-i", patched.toString(), "::config.json"))
        .isEqualTo(new String(CONFIG, StandardCharsets.UTF_8));
  }

  @Test
  void stampsWrittenFilesWithModifiedTime() throws Exception {
    Path image = filesystem(16);

    Path patched = configure(image, new TreeMap<>(Map.of("overlays/config.json", CONFIG)));

    assertThat(FatTools.ok("mdir", "-i", patched.toString(), "::overlays/config.json"))
        .contains("2026-03-14")
        .contains("15:09");
    assertThat(FatTools.ok("mdir", "-i", patched.toString(), "::")).contains("2026-03-14");
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 32})
  void patchHoldsOnlyChangedSectors(int fatBits) throws Exception {
    Path image = filesystem(fatBits);
    FatTools.mcopy(image.toString(), "config.json", "{\"old\":true}".getBytes(), scratch);
    FatTools.mcopy(image.toString(), "cmdline.txt", random(40_000, 5), scratch);
    byte[] original = Files.readAllBytes(image);

    ImagePatch patch;
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      patch =
          BootFiles.write(
              bytes, whole(image), new TreeMap<>(Map.of("config.json", CONFIG)), MODIFIED_AT);
    }

    for (ImagePatch.Range range : patch.ranges()) {
      for (int at = 0; at < range.content().length; at += 512) {
        int offset = (int) range.offset() + at;
        assertThat(Arrays.copyOfRange(range.content(), at, at + 512))
            .as("sector at %d", offset)
            .isNotEqualTo(Arrays.copyOfRange(original, offset, offset + 512));
      }
    }
    assertThat(patch.patchedBytes()).isLessThanOrEqualTo(4 * 512);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 32})
  void keepsVolumeLabel(int fatBits) throws Exception {
    Path image = filesystem(fatBits);
    FatTools.mcopy(image.toString(), "cmdline.txt", "console=tty1\n".getBytes(), scratch);

    Path patched = configure(image, new TreeMap<>(Map.of("config.json", CONFIG)));

    byte[] label = "resin-boot \u0008".getBytes(StandardCharsets.US_ASCII);
    byte[] before = Files.readAllBytes(image);
    byte[] after = Files.readAllBytes(patched);
    int entryBefore = indexOf(before, label);
    int entryAfter = indexOf(after, label);
    assertThat(Arrays.copyOfRange(after, entryAfter, entryAfter + 32))
        .as("volume label entry")
        .isEqualTo(Arrays.copyOfRange(before, entryBefore, entryBefore + 32));
    assertThat(FatTools.ok("fatlabel", patched.toString()).strip()).isEqualTo("resin-boot");
    assertThat(FatTools.ok("blkid", "-p", "-o", "export", patched.toString()))
        .contains("LABEL=resin-boot");
  }

  @Test
  void stampsCreationAndAccessDates() throws Exception {
    Path image = filesystem(16);

    Path patched = configure(image, new TreeMap<>(Map.of("config.json", CONFIG)));

    byte[] bytes = Files.readAllBytes(patched);
    int entry = indexOf(bytes, "CONFIG  JSO".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer fields = ByteBuffer.wrap(bytes, entry, 32).slice().order(ByteOrder.LITTLE_ENDIAN);
    int date = (2026 - 1980) << 9 | 3 << 5 | 14;
    int time = 15 << 11 | 9 << 5 | 26 / 2;
    assertThat(fields.getShort(14) & 0xffff).as("creation time").isEqualTo(time);
    assertThat(fields.getShort(16) & 0xffff).as("creation date").isEqualTo(date);
    assertThat(fields.getShort(18) & 0xffff).as("access date").isEqualTo(date);
    assertThat(fields.getShort(22) & 0xffff).as("modification time").isEqualTo(time);
    assertThat(fields.getShort(24) & 0xffff).as("modification date").isEqualTo(date);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 32})
  void rejectsFilesLargerThanFreeSpace(int fatBits) throws Exception {
    Path image = filesystem(fatBits);
    long free = freeBytes(image);
    FatTools.mcopy(image.toString(), "filler.bin", new byte[(int) (free - 64 * 1024)], scratch);

    SortedMap<String, byte[]> files = new TreeMap<>(Map.of("splash.png", new byte[1 << 20]));
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThatThrownBy(() -> BootFiles.write(bytes, whole(image), files, MODIFIED_AT))
          .isInstanceOf(OsImageException.class)
          .hasMessageContaining("boot partition 1")
          .hasMessageContaining("bytes are free")
          .hasMessageContaining("1048576 bytes are needed")
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.BOOT_PARTITION_FULL);
    }
  }

  @Test
  void countsGrowthOfFullSubdirectory() throws Exception {
    Path image = filesystem(16);
    int clusterBytes = 2048;
    assertThat(FatTools.ok("minfo", "-i", image.toString(), "::"))
        .contains("cluster size: 4 sectors");
    FatTools.ok("mmd", "-i", image.toString(), "::overlays");
    // 62 short names and the . and .. entries fill the directory's first cluster of 64 slots.
    for (int i = 0; i < 62; i++) {
      FatTools.mcopy(image.toString(), "overlays/F" + i + ".TXT", new byte[] {1}, scratch);
    }
    long free = freeBytes(image);
    FatTools.mcopy(image.toString(), "filler.bin", new byte[(int) (free - clusterBytes)], scratch);

    SortedMap<String, byte[]> files = new TreeMap<>(Map.of("overlays/NEW.TXT", new byte[] {2}));
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThatThrownBy(() -> BootFiles.write(bytes, whole(image), files, MODIFIED_AT))
          .hasMessageContaining("2048 bytes are free")
          .hasMessageContaining("4096 bytes are needed")
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.BOOT_PARTITION_FULL);
    }
  }

  @Test
  void rejectsFullFixedRootDirectory() throws Exception {
    Path image = scratch.resolve("small.img");
    FatTools.sparseFile(image, 32L << 20);
    FatTools.ok("mkfs.vfat", "-F", "16", "-r", "16", "-n", "resin-boot", image.toString());
    // mkfs.vfat rounds the root directory up to 64 slots; the volume label takes one of them.
    for (int i = 0; i < 63; i++) {
      FatTools.mcopy(image.toString(), "F" + i + ".TXT", new byte[] {1}, scratch);
    }

    SortedMap<String, byte[]> files = new TreeMap<>(Map.of("config.json", CONFIG));
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThatThrownBy(() -> BootFiles.write(bytes, whole(image), files, MODIFIED_AT))
          .hasMessageContaining("root directory")
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.BOOT_PARTITION_FULL);
    }
  }

  @Test
  void rejectsPartitionWithoutFat() throws Exception {
    Path image = FatTools.sparseFile(scratch.resolve("zeros.img"), 8L << 20);

    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThatThrownBy(
              () ->
                  BootFiles.write(
                      bytes,
                      whole(image),
                      new TreeMap<>(Map.of("config.json", CONFIG)),
                      MODIFIED_AT))
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.UNSUPPORTED_FILESYSTEM);
    }
  }

  @Test
  void rejectsLoopingClusterChain() throws Exception {
    Path image = filesystem(16);
    FatTools.ok("mmd", "-i", image.toString(), "::splash");
    // The directory got the first data cluster, 2; make its FAT entry point to itself.
    byte[] loop = {2, 0};
    write(image, fatOffset(image, 0) + 4, loop);
    write(image, fatOffset(image, 1) + 4, loop);

    SortedMap<String, byte[]> files = new TreeMap<>(Map.of("splash/logo.png", CONFIG));
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThatThrownBy(() -> BootFiles.write(bytes, whole(image), files, MODIFIED_AT))
          .hasMessageContaining("loops")
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.UNSUPPORTED_FILESYSTEM);
    }
  }

  @Test
  void rejectsFat32WithFewerThan65525Clusters() throws Exception {
    // mkfs.fat 4.2 makes FAT32 with 512-byte clusters on 256 MiB, so -s 8 requests 4 KiB clusters.
    // That gives 65404 clusters, which blkid still reports as FAT32 and fsck.fat -n accepts.
    // mtools 4.0.32 misreads such a filesystem, so only fsck.fat and our own readers check it.
    Path image = FatTools.sparseFile(scratch.resolve("small-fat32.img"), 256L << 20);
    FatTools.ok("mkfs.vfat", "-F", "32", "-s", "8", "-n", "SMALL32", image.toString());
    assertThat(FatTools.run("fsck.fat", "-n", image.toString()).exitCode()).isZero();

    SortedMap<String, byte[]> files = new TreeMap<>(Map.of("config.json", CONFIG));
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThat(FatLabel.read(bytes, whole(image))).contains("SMALL32");
      byte[] bootSector = new byte[512];
      bytes.read(0, ByteBuffer.wrap(bootSector));
      FatGeometry geometry = FatGeometry.parse(bootSector, Files.size(image), "the image");
      assertThat(geometry.type()).isEqualTo(FatType.FAT32);
      assertThat(geometry.clusterCount()).isEqualTo(65404);
      assertThatThrownBy(() -> BootFiles.write(bytes, whole(image), files, MODIFIED_AT))
          .hasMessageContaining("65404 clusters")
          .hasMessageContaining("mkfs.vfat -F 32 -s 1")
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.UNSUPPORTED_FILESYSTEM);
    }
  }

  @Test
  void rejectsDifferingFatCopies() throws Exception {
    Path image = filesystem(16);
    write(image, fatOffset(image, 1) + 100, new byte[] {(byte) 0xff, (byte) 0xff});

    SortedMap<String, byte[]> files = new TreeMap<>(Map.of("config.json", CONFIG));
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThatThrownBy(() -> BootFiles.write(bytes, whole(image), files, MODIFIED_AT))
          .hasMessageContaining("differs")
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.UNSUPPORTED_FILESYSTEM);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/config.json", "a//b", "../config.json", "a/./b", "bad:name", "trailing."})
  void rejectsInvalidPath(String path) throws Exception {
    Path image = filesystem(16);

    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      assertThatThrownBy(
              () ->
                  BootFiles.write(
                      bytes, whole(image), new TreeMap<>(Map.of(path, CONFIG)), MODIFIED_AT))
          .hasMessageContaining(path)
          .extracting(e -> ((OsImageException) e).failure())
          .isEqualTo(OsImageFailure.INVALID_CONFIG);
    }
  }

  private Path filesystem(int fatBits) throws Exception {
    Path image = scratch.resolve("fat" + fatBits + "-" + System.nanoTime() + ".img");
    long size =
        switch (fatBits) {
          case 12 -> 16L << 20;
          case 16 -> 64L << 20;
          default -> 300L << 20;
        };
    FatTools.sparseFile(image, size);
    FatTools.ok("mkfs.vfat", "-F", String.valueOf(fatBits), "-n", "resin-boot", image.toString());
    return image;
  }

  private Path configure(Path image, SortedMap<String, byte[]> files) throws IOException {
    ImagePatch patch;
    try (FileImageBytes bytes = FileImageBytes.open(image)) {
      patch = BootFiles.write(bytes, whole(image), files, MODIFIED_AT);
    }
    return FatTools.applied(image, patch, scratch.resolve("patched-" + System.nanoTime() + ".img"));
  }

  private static Partition whole(Path image) throws IOException {
    return new Partition(1, 0, Files.size(image), "0c", "");
  }

  private static void assertFsckClean(String image) throws Exception {
    FatTools.Result fsck = FatTools.run("fsck.fat", "-n", image);
    assertThat(fsck.exitCode()).as(fsck.output()).isZero();
    assertThat(fsck.output().strip().lines()).as(fsck.output()).hasSize(2);
  }

  /** Returns fsck.fat's "N/M clusters" summary. */
  private static String clusterSummary(Path image) throws Exception {
    String[] words = FatTools.ok("fsck.fat", "-n", image.toString()).strip().split("\\s+");
    return words[words.length - 2];
  }

  private static long usedClusters(Path image) throws Exception {
    return Long.parseLong(clusterSummary(image).split("/")[0]);
  }

  /** Returns the free bytes that mdir's last line reports, such as "67 002 368 bytes free". */
  private static long freeBytes(Path image) throws Exception {
    String listing = FatTools.ok("mdir", "-i", image.toString(), "::");
    String last = listing.strip().lines().reduce((first, second) -> second).orElseThrow();
    return Long.parseLong(last.replaceAll("[^0-9]", ""));
  }

  /** Returns the offset of FAT copy {@code copy} of a FAT12/16 filesystem, from its boot sector. */
  private static long fatOffset(Path image, int copy) throws IOException {
    ByteBuffer boot = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
      channel.read(boot, 0);
    }
    int reserved = boot.getShort(14) & 0xffff;
    int sectorsPerFat = boot.getShort(22) & 0xffff;
    return (reserved + (long) copy * sectorsPerFat) * 512;
  }

  private static void write(Path image, long offset, byte[] bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  private static void fill(Path image, long offset, int length, byte value) throws IOException {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, value);
    write(image, offset, bytes);
  }

  private String extract(Path image, long offset, long length) throws IOException {
    Path part = scratch.resolve("part-" + System.nanoTime() + ".img");
    try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      in.transferTo(offset, length, out);
    }
    return part.toString();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("Not found: " + new String(needle, StandardCharsets.US_ASCII));
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
