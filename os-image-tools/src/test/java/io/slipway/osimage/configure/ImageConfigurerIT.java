package io.slipway.osimage.configure;

import static io.slipway.osimage.testing.DiskTools.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.configure.ImageConfigurer.ConfigureResult;
import io.slipway.osimage.configure.ImageConfigurer.PreparedImage;
import io.slipway.osimage.disk.BootPartitionFinder;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ProgressListener;
import io.slipway.osimage.image.SampleImages;
import io.slipway.osimage.testing.DiskTools;
import io.slipway.osimage.testing.ExternalTool;
import io.slipway.osimage.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configures MBR and GPT images built with sfdisk, mkfs.vfat and mkfs.ext4 into every output
 * format, and checks the results with tools Slipway did not write: sfdisk, fsck.fat, mtools,
 * sha256sum, bmaptool and the standard decompressors.
 */
class ImageConfigurerIT {

  private static final long MODIFIED_AT = Instant.parse("2026-05-01T12:00:00Z").toEpochMilli();
  private static final byte[] CONFIG =
      "{\"fleet\":\"acme/kiosks\",\"provisioningKey\":\"slp_test\"}\n"
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] WIFI = "[wifi]\nssid=shop\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;
  private Path inputs;
  private Path outputs;
  private ImageConfigurer configurer;
  private SortedMap<String, byte[]> files;

  @BeforeEach
  void setUp() throws IOException {
    inputs = Files.createDirectory(directory.resolve("inputs"));
    outputs = Files.createDirectory(directory.resolve("outputs"));
    configurer =
        ImageConfigurer.create(BootPartitionFinder.DEFAULT_LABELS, directory.resolve("scratch"));
    files = new TreeMap<>();
    files.put("config.json", CONFIG);
    files.put("system-connections/slipway-wifi", WIFI);
  }

  @Test
  void raspberryPiImageConfiguresIntoEveryFormat() throws Exception {
    Path base = TestImages.raspberryPi(inputs, 16, "resin-boot");
    fillRootFilesystems(base, List.of(44 * MIB, 176 * MIB), 64 * MIB);

    checkEveryFormat(base, TestImages.BOOT_OFFSET);
  }

  @Test
  void genericX86ImageConfiguresIntoEveryFormat() throws Exception {
    Path base = TestImages.genericX86(inputs, 9, "resin-boot", 32, "resin-boot");
    fillRootFilesystems(base, List.of(4 * MIB, 180 * MIB), 64 * MIB);

    checkEveryFormat(base, TestImages.GENERIC_X86_BOOT_OFFSET);
  }

  @Test
  void streamedSourceWritesTheSameImageAsAFile() throws Exception {
    Path base = TestImages.raspberryPi(inputs, 32, "resin-boot");
    Path gzip = SampleImages.gzip(base);
    Path fromFile = outputs.resolve("from-file.img");
    ConfigureResult expected =
        configurer.configureFile(
            base, fromFile, ImageFormat.IMG, files, MODIFIED_AT, ProgressListener.NONE);

    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    ConfigureResult result;
    try (PreparedImage prepared = configurer.prepare(opener(gzip), files, MODIFIED_AT)) {
      assertThat(prepared.rawSize()).isEqualTo(-1);
      assertThat(prepared.outputSize(ImageFormat.IMG)).isEqualTo(-1);
      result = prepared.writeTo(streamed, ImageFormat.IMG, "x.img", ProgressListener.NONE);
    }

    assertThat(result.sha256()).isEqualTo(expected.sha256());
    assertThat(streamed.toByteArray()).isEqualTo(Files.readAllBytes(fromFile));
  }

  @Test
  void rawOutputSizeIsKnownInAdvance() throws Exception {
    Path base = TestImages.raspberryPi(inputs, 16, "resin-boot");
    try (PreparedImage prepared = configurer.prepare(packed(base, "img.xz"), files, MODIFIED_AT)) {
      long size = Files.size(base);

      assertThat(prepared.rawSize()).isEqualTo(size);
      assertThat(prepared.outputSize(ImageFormat.IMG)).isEqualTo(size);
      assertThat(prepared.outputSize(ImageFormat.IMG_ZIP)).isEqualTo(-1);
      assertThat(
              prepared
                  .writeTo(
                      java.io.OutputStream.nullOutputStream(),
                      ImageFormat.IMG,
                      "x.img",
                      ProgressListener.NONE)
                  .bytesWritten())
          .isEqualTo(size);
    }
  }

  @Test
  void bootLabelIsTheConfiguredLabelFound() throws Exception {
    ImageConfigurer configured =
        ImageConfigurer.create(List.of("balena-boot", "resin-boot"), directory.resolve("scratch"));
    Path labelled = TestImages.raspberryPi(inputs, 16, "RESIN-BOOT");
    Path named = TestImages.genericX86(inputs, 9, "resin-boot", 32, "OTHER");

    try (PreparedImage byFatLabel = configured.prepare(labelled, files, MODIFIED_AT);
        PreparedImage byGptName = configured.prepare(named, files, MODIFIED_AT)) {
      assertThat(byFatLabel.bootLabel()).isEqualTo("resin-boot");
      assertThat(byGptName.bootLabel()).isEqualTo("resin-boot");
    }
  }

  @Test
  void notADiskImageIsRejected() throws Exception {
    Path random = Files.write(inputs.resolve("random.img"), randomBytes(1 << 20, 5));

    assertRejected(random, OsImageFailure.NOT_A_DISK_IMAGE, "random.img");
  }

  @Test
  void emptyFileIsRejectedAsTooShort() throws Exception {
    Path empty = Files.createFile(inputs.resolve("empty.img"));

    assertRejected(empty, OsImageFailure.NOT_A_DISK_IMAGE, "0 bytes");
  }

  @Test
  void imageWithoutBootLabelIsRejected() throws Exception {
    Path base = TestImages.raspberryPi(inputs, 16, "other");

    assertRejected(base, OsImageFailure.NO_BOOT_PARTITION, "resin-boot");
  }

  @Test
  void filesLargerThanTheBootPartitionAreRejected() throws Exception {
    Path base = TestImages.raspberryPi(inputs, 16, "resin-boot");
    files.put("splash/huge.png", new byte[(int) (TestImages.BOOT_SIZE + MIB)]);

    assertRejected(base, OsImageFailure.BOOT_PARTITION_FULL, "");
  }

  @Test
  void truncatedArchivesAreRejected() throws Exception {
    Path base = TestImages.raspberryPi(inputs, 16, "resin-boot");
    fillRootFilesystems(base, List.of(44 * MIB, 176 * MIB), 64 * MIB);
    for (String format : List.of("img.gz", "img.xz", "img.zst", "img.zip")) {
      Path archive = packed(base, format);
      Path cut = SampleImages.truncated(archive, Files.size(archive) * 2 / 3);

      assertRejected(cut, OsImageFailure.CORRUPT_ARCHIVE, cut.getFileName().toString());
    }
  }

  @Test
  void zipWithTwoImagesIsRejected() throws Exception {
    byte[] image = Files.readAllBytes(TestImages.raspberryPi(inputs, 16, "resin-boot"));
    Path zip =
        SampleImages.zipOf(
            inputs.resolve("two.zip"), new String[] {"a.img", "b.img"}, image, image);

    assertRejected(zip, OsImageFailure.AMBIGUOUS_ARCHIVE, "a.img");
  }

  @Test
  void zipWithPathTraversalIsRejected() throws Exception {
    byte[] image = Files.readAllBytes(TestImages.raspberryPi(inputs, 16, "resin-boot"));
    for (String name : List.of("../evil.img", "/abs.img")) {
      Path zip = SampleImages.zipOf(inputs.resolve("evil.zip"), new String[] {name}, image);

      assertRejected(zip, OsImageFailure.UNSAFE_ARCHIVE_ENTRY, name);
    }
  }

  @Test
  void targetThatIsTheSourceIsRejected() throws Exception {
    Path base = TestImages.raspberryPi(inputs, 16, "resin-boot");
    byte[] before = Files.readAllBytes(base);

    assertThatThrownBy(
            () ->
                configurer.configureFile(
                    base,
                    inputs.resolve("../inputs/raspberrypi.img"),
                    ImageFormat.IMG,
                    files,
                    MODIFIED_AT,
                    ProgressListener.NONE))
        .isInstanceOfSatisfying(
            OsImageException.class,
            e -> assertThat(e.failure()).isEqualTo(OsImageFailure.INVALID_CONFIG));
    assertThat(Files.readAllBytes(base)).isEqualTo(before);
  }

  /** Configures {@code base}, packed in turn in each input format, into each output format. */
  private void checkEveryFormat(Path base, long bootOffset) throws Exception {
    for (ImageFormat format : ImageFormat.values()) {
      Path source = packed(base, inputFormatFor(format));
      checkConfigured(base, source, format, bootOffset);
    }
  }

  /** Configures {@code source} into {@code format} and checks the result with external tools. */
  private void checkConfigured(Path base, Path source, ImageFormat format, long bootOffset)
      throws Exception {
    String label = source.getFileName() + " to " + format.extension();
    Path target = outputs.resolve("fleet." + format.extension());
    ConfigureResult result =
        configurer.configureFile(source, target, format, files, MODIFIED_AT, ProgressListener.NONE);

    Path configured = unpack(target, format);
    assertThat(partitionTable(configured)).as(label).isEqualTo(partitionTable(base));
    assertSameOutside(base, configured, bootOffset, TestImages.BOOT_SIZE, label);
    Path boot = extract(configured, bootOffset, TestImages.BOOT_SIZE);
    ExternalTool.output("/usr/sbin/fsck.fat", "dosfstools", "-n", boot.toString());
    assertThat(
            ExternalTool.output("/usr/bin/mtype", "mtools", "-i", boot.toString(), "::config.json"))
        .as(label)
        .isEqualTo(new String(CONFIG, StandardCharsets.UTF_8));
    assertThat(
            ExternalTool.output(
                "/usr/bin/mtype",
                "mtools",
                "-i",
                boot.toString(),
                "::system-connections/slipway-wifi"))
        .as(label)
        .isEqualTo(new String(WIFI, StandardCharsets.UTF_8));

    String sha256sum =
        ExternalTool.output("/usr/bin/sha256sum", "coreutils", configured.toString());
    assertThat(result.sha256()).as(label).isEqualTo(sha256sum.substring(0, 64));
    assertThat(result.rawSize()).as(label).isEqualTo(Files.size(base));
    assertThat(result.bytesWritten()).as(label).isEqualTo(Files.size(target));
    assertThat(Files.readString(outputs.resolve("fleet.img.sha256")))
        .as(label)
        .isEqualTo(result.sha256() + "  fleet.img\n");
    assertThat(Files.readAllBytes(outputs.resolve("fleet.img.bmap")))
        .as(label)
        .isEqualTo(result.bmap());

    // bmaptool finds fleet.img.bmap next to the output by itself and checks every range's SHA-256.
    Path copy = directory.resolve("bmaptool-copy.img");
    ExternalTool.output(
        "/usr/bin/bmaptool", "bmap-tools", "copy", target.toString(), copy.toString());
    assertThat(mismatch(copy, configured)).as(label).isEqualTo(-1);

    assertThat(listing(outputs))
        .as(label)
        .containsExactlyInAnyOrder(
            target.getFileName().toString(), "fleet.img.bmap", "fleet.img.sha256");
    clean(outputs);
    Files.deleteIfExists(copy);
    Files.deleteIfExists(configured);
    Files.deleteIfExists(boot);
  }

  private void assertRejected(Path source, OsImageFailure failure, String messagePart)
      throws IOException {
    List<String> inputsBefore = listing(inputs);
    for (ImageFormat format : List.of(ImageFormat.IMG, ImageFormat.IMG_ZIP)) {
      Path target = outputs.resolve("fleet." + format.extension());

      assertThatThrownBy(
              () ->
                  configurer.configureFile(
                      source, target, format, files, MODIFIED_AT, ProgressListener.NONE))
          .as(source.getFileName() + " to " + format.extension())
          .isInstanceOfSatisfying(
              OsImageException.class, e -> assertThat(e.failure()).isEqualTo(failure))
          .hasMessageContaining(messagePart);
      assertThat(listing(outputs)).as("files left in the output directory").isEmpty();
    }
    assertThat(listing(inputs)).isEqualTo(inputsBefore);
    Path scratch = directory.resolve("scratch");
    if (Files.exists(scratch)) {
      assertThat(listing(scratch)).as("scratch files left").isEmpty();
    }
  }

  /**
   * Writes an ext4 filesystem made by {@code mkfs.ext4 -d} from a directory of random files at each
   * offset, so that the partitions around the boot partition hold data to compare.
   */
  private void fillRootFilesystems(Path image, List<Long> offsets, long size) throws Exception {
    Path root = Files.createDirectories(inputs.resolve("rootfs/etc"));
    Files.writeString(root.resolve("os-release"), "NAME=\"Test OS\"\n");
    Files.write(root.resolveSibling("blob.bin"), randomBytes(3_000_000, 7));
    for (long offset : offsets) {
      ExternalTool.output(
          "/usr/sbin/mkfs.ext4",
          "e2fsprogs",
          "-q",
          "-F",
          "-E",
          "offset=" + offset,
          "-d",
          root.getParent().toString(),
          image.toString(),
          (size / MIB) + "M");
    }
  }

  /** Returns the base image packed in {@code format} by the standard tool, in the inputs. */
  private Path packed(Path base, String format) throws Exception {
    switch (format) {
      case "img":
        return base;
      case "img.gz":
        return SampleImages.gzip(base);
      case "img.xz":
        return SampleImages.xz(base);
      case "img.zst":
        return SampleImages.zstd(base);
      case "img.zip":
        return SampleImages.zip(base);
      default:
        throw new IllegalArgumentException(format);
    }
  }

  /** Pairs each output format with another input format, so every reader and writer runs. */
  private static String inputFormatFor(ImageFormat output) {
    List<String> inputs = List.of("img.zst", "img.xz", "img.zip", "img", "img.gz");
    return inputs.get(output.ordinal());
  }

  /** Unpacks {@code target} with the standard tool into a raw image file. */
  private Path unpack(Path target, ImageFormat format) throws Exception {
    Path raw = directory.resolve("unpacked.img");
    switch (format) {
      case IMG:
        Files.copy(target, raw);
        break;
      case IMG_ZIP:
        ExternalTool.outputTo(raw, "/usr/bin/unzip", "unzip", "-p", target.toString(), "fleet.img");
        break;
      case IMG_GZ:
        ExternalTool.outputTo(raw, "/usr/bin/gzip", "gzip", "-dc", target.toString());
        break;
      case IMG_XZ:
        ExternalTool.outputTo(raw, "/usr/bin/xz", "xz-utils", "-dc", target.toString());
        break;
      case IMG_ZST:
        ExternalTool.outputTo(raw, "/usr/bin/zstd", "zstd", "-dc", target.toString());
        break;
      default:
        throw new IllegalArgumentException(format.toString());
    }
    return raw;
  }

  /** Asserts that the images are the same size and identical outside the boot partition. */
  private static void assertSameOutside(
      Path base, Path configured, long bootOffset, long bootSize, String label) throws IOException {
    assertThat(Files.size(configured)).as(label).isEqualTo(Files.size(base));
    try (FileChannel a = FileChannel.open(base);
        FileChannel b = FileChannel.open(configured)) {
      assertThat(firstDifference(a, b, 0, bootOffset)).as(label + " before boot").isEqualTo(-1);
      assertThat(firstDifference(a, b, bootOffset + bootSize, a.size()))
          .as(label + " after boot")
          .isEqualTo(-1);
      assertThat(firstDifference(a, b, bootOffset, bootOffset + bootSize))
          .as(label + " boot partition changed")
          .isNotEqualTo(-1);
    }
  }

  /** Returns {@code sfdisk --dump} with the image's path, which differs, taken out. */
  private static String partitionTable(Path image) {
    return DiskTools.sfdiskDump(image).replace(image.toString(), "IMAGE");
  }

  private static long mismatch(Path first, Path second) throws IOException {
    return Files.mismatch(first, second);
  }

  private static long firstDifference(FileChannel a, FileChannel b, long from, long to)
      throws IOException {
    ByteBuffer left = ByteBuffer.allocate(1 << 20);
    ByteBuffer right = ByteBuffer.allocate(1 << 20);
    for (long position = from; position < to; position += left.capacity()) {
      int length = (int) Math.min(left.capacity(), to - position);
      left.clear().limit(length);
      right.clear().limit(length);
      a.read(left, position);
      b.read(right, position);
      int at = left.flip().mismatch(right.flip());
      if (at >= 0) {
        return position + at;
      }
    }
    return -1;
  }

  private Path extract(Path image, long offset, long size) throws IOException {
    Path part = directory.resolve("boot.part");
    try (FileChannel in = FileChannel.open(image);
        FileChannel out =
            FileChannel.open(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      long done = 0;
      while (done < size) {
        done += in.transferTo(offset + done, size - done, out);
      }
    }
    return part;
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  private static void clean(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        Files.delete(entry);
      }
    }
  }

  private static java.util.function.Supplier<InputStream> opener(Path file) {
    return () -> {
      try {
        return Files.newInputStream(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
