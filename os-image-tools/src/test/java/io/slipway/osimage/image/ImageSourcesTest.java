package io.slipway.osimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.testing.ExternalTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourcesTest {

  @TempDir Path directory;
  private Path scratch;
  private byte[] image;
  private Path raw;

  @BeforeEach
  void writeImage() throws IOException {
    scratch = directory.resolve("scratch");
    image = SampleImages.raw();
    raw = SampleImages.writeRaw(directory, "base", image);
  }

  @Test
  void rawFileIsReadInPlace() throws IOException {
    try (SourceImage source = ImageSources.open(raw, scratch)) {
      assertThat(source).isInstanceOf(FileImageBytes.class);
      assertThat(source.knownSize()).hasValue(image.length);
      assertThat(readAt(source, 5000, 100)).isEqualTo(Arrays.copyOfRange(image, 5000, 5100));
      assertThat(source.rawStream().readAllBytes()).isEqualTo(image);
    }
    assertThat(scratch).doesNotExist();
  }

  @Test
  void gzipDecompressesToTheImage() throws Exception {
    assertReadsImage(SampleImages.gzip(raw), OptionalLong.empty());
  }

  @Test
  void gzipOfSeveralMembersDecompressesWhole() throws Exception {
    Path joined = packInTwoParts("joined.img.gz", SampleImages::gzip);

    assertReadsImage(joined, OptionalLong.empty());
  }

  @Test
  void xzStatesItsSizeFromTheIndex() throws Exception {
    assertReadsImage(SampleImages.xz(raw), OptionalLong.of(image.length));
  }

  @Test
  void zstdStatesItsSizeFromTheFrameHeader() throws Exception {
    assertReadsImage(SampleImages.zstd(raw), OptionalLong.of(image.length));
  }

  @Test
  void zstdOfSeveralFramesSumsTheirSizes() throws Exception {
    Path joined = packInTwoParts("joined.img.zst", SampleImages::zstd);

    assertReadsImage(joined, OptionalLong.of(image.length));
  }

  @Test
  void zstdWithoutContentSizeHasNoKnownSize() throws Exception {
    Path packed = directory.resolve("no-size.img.zst");
    ExternalTool.output(
        "/usr/bin/zstd",
        "zstd",
        "-q",
        "--no-content-size",
        raw.toString(),
        "-o",
        packed.toString());

    assertReadsImage(packed, OptionalLong.empty());
  }

  @Test
  void zstdSkippableFrameIsSkipped() throws Exception {
    byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c'};
    byte[] frames = Files.readAllBytes(SampleImages.zstd(raw));
    byte[] joined = Arrays.copyOf(skippable, skippable.length + frames.length);
    System.arraycopy(frames, 0, joined, skippable.length, frames.length);
    Path packed = Files.write(directory.resolve("skippable.img.zst"), joined);

    assertReadsImage(packed, OptionalLong.of(image.length));
  }

  @Test
  void zipWithReadmeYieldsItsImage() throws Exception {
    assertReadsImage(SampleImages.zip(raw), OptionalLong.of(image.length));
  }

  @Test
  void formatIsToldByContentNotName() throws Exception {
    Path misnamed = directory.resolve("really-xz.img.gz");
    Files.move(SampleImages.xz(raw), misnamed);

    assertReadsImage(misnamed, OptionalLong.of(image.length));
  }

  @Test
  void truncatedArchivesAreCorrupt() throws Exception {
    Path[] archives = {
      SampleImages.gzip(raw), SampleImages.xz(raw), SampleImages.zstd(raw), SampleImages.zip(raw)
    };
    for (Path archive : archives) {
      Path cut = SampleImages.truncated(archive, Files.size(archive) / 2);

      assertThatThrownBy(() -> readWholeFile(cut))
          .as(archive.getFileName().toString())
          .isInstanceOfSatisfying(
              OsImageException.class,
              e -> assertThat(e.failure()).isEqualTo(OsImageFailure.CORRUPT_ARCHIVE))
          .hasMessageContaining(cut.toString())
          .hasMessageNotContaining("(null)");
      assertThatThrownBy(() -> readWholeStream(cut))
          .as(archive.getFileName() + " as a stream")
          .isInstanceOfSatisfying(
              OsImageException.class,
              e -> assertThat(e.failure()).isEqualTo(OsImageFailure.CORRUPT_ARCHIVE));
    }
  }

  @Test
  void corruptGzipDataIsCorrupt() throws Exception {
    Path gzip = SampleImages.gzip(raw);
    byte[] bytes = Files.readAllBytes(gzip);
    for (int i = 100; i < 200; i++) {
      bytes[i] ^= 0x55;
    }
    Files.write(gzip, bytes);

    assertThatThrownBy(() -> readWholeFile(gzip))
        .isInstanceOfSatisfying(
            OsImageException.class,
            e -> assertThat(e.failure()).isEqualTo(OsImageFailure.CORRUPT_ARCHIVE));
  }

  @Test
  void zipWithTwoImagesIsAmbiguous() throws Exception {
    Path zip =
        SampleImages.zipOf(
            directory.resolve("two.zip"), new String[] {"a.img", "b.img"}, image, image);

    assertFailure(() -> ImageSources.open(zip, scratch).close(), OsImageFailure.AMBIGUOUS_ARCHIVE);
    assertFailure(() -> readWholeStream(zip), OsImageFailure.AMBIGUOUS_ARCHIVE);
  }

  @Test
  void zipWithoutImageIsAmbiguous() throws Exception {
    Path zip =
        SampleImages.zipOf(
            directory.resolve("none.zip"), new String[] {"README.txt"}, new byte[] {'h', 'i'});

    assertFailure(() -> ImageSources.open(zip, scratch).close(), OsImageFailure.AMBIGUOUS_ARCHIVE);
    assertFailure(() -> readWholeStream(zip), OsImageFailure.AMBIGUOUS_ARCHIVE);
  }

  @Test
  void zipEntryClimbingOutIsUnsafe() throws Exception {
    for (String name : new String[] {"../evil.img", "/abs.img", "boot/../../x.txt", "C:\\x.img"}) {
      Path zip =
          SampleImages.zipOf(
              directory.resolve("unsafe.zip"),
              new String[] {"base.img", name},
              image,
              new byte[] {1});

      assertFailure(
          () -> ImageSources.open(zip, scratch).close(), OsImageFailure.UNSAFE_ARCHIVE_ENTRY);
      assertFailure(() -> readWholeStream(zip), OsImageFailure.UNSAFE_ARCHIVE_ENTRY);
    }
  }

  @Test
  void zipFileRejectsUnsafeNameBeforeReadingImage() throws Exception {
    Path zip =
        SampleImages.zipOf(
            directory.resolve("unsafe.zip"),
            new String[] {"base.img", "../evil.img"},
            image,
            new byte[] {1});

    assertThatThrownBy(() -> ImageSources.open(zip, scratch))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("../evil.img");
    assertNoScratchFiles();
  }

  @Test
  void zipStreamRejectsUnsafeNameBeforeImage() throws Exception {
    Path zip =
        SampleImages.zipOf(
            directory.resolve("unsafe.zip"),
            new String[] {"/abs.img", "base.img"},
            new byte[] {1},
            image);

    assertThatThrownBy(() -> ImageSources.open(opener(zip), "unsafe.zip", scratch))
        .isInstanceOfSatisfying(
            OsImageException.class,
            e -> assertThat(e.failure()).isEqualTo(OsImageFailure.UNSAFE_ARCHIVE_ENTRY));
  }

  @Test
  void emptyFileIsAnEmptyRawImage() throws IOException {
    Path empty = Files.createFile(directory.resolve("empty.img"));

    try (SourceImage source = ImageSources.open(empty, scratch)) {
      assertThat(source.knownSize()).hasValue(0);
      assertThat(source.read(0, ByteBuffer.allocate(512))).isZero();
    }
  }

  private void assertReadsImage(Path archive, OptionalLong expectedSize) throws IOException {
    try (SourceImage source = ImageSources.open(archive, scratch)) {
      assertThat(source.knownSize()).as("size from " + archive).isEqualTo(expectedSize);
      assertThat(readAt(source, 1_000_000, 64))
          .isEqualTo(Arrays.copyOfRange(image, 1_000_000, 1_000_064));
      assertThat(source.rawStream().readAllBytes()).isEqualTo(image);
    }
    try (SourceImage source = ImageSources.open(opener(archive), "stream", scratch)) {
      assertThat(source.rawStream().readAllBytes()).isEqualTo(image);
    }
    assertNoScratchFiles();
  }

  private void assertNoScratchFiles() throws IOException {
    if (Files.exists(scratch)) {
      assertThat(scratch).isEmptyDirectory();
    }
  }

  private byte[] readWholeFile(Path archive) throws IOException {
    try (SourceImage source = ImageSources.open(archive, scratch)) {
      return source.rawStream().readAllBytes();
    }
  }

  private byte[] readWholeStream(Path archive) throws IOException {
    try (SourceImage source = ImageSources.open(opener(archive), archive.toString(), scratch)) {
      return source.rawStream().readAllBytes();
    }
  }

  private void assertFailure(ThrowingAction action, OsImageFailure failure) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(
            OsImageException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }

  private static Supplier<InputStream> opener(Path file) {
    return () -> {
      try {
        return Files.newInputStream(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  private static byte[] readAt(SourceImage source, long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    assertThat(source.read(offset, buffer)).isEqualTo(length);
    return buffer.array();
  }

  /** Packs the image's two halves separately and joins the packed files, as {@code cat} would. */
  private Path packInTwoParts(String name, Packer packer) throws Exception {
    int half = image.length / 2;
    Path first = SampleImages.writeRaw(directory, "first", Arrays.copyOf(image, half));
    Path second =
        SampleImages.writeRaw(directory, "second", Arrays.copyOfRange(image, half, image.length));
    byte[] a = Files.readAllBytes(packer.pack(first));
    byte[] b = Files.readAllBytes(packer.pack(second));
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return Files.write(directory.resolve(name), joined);
  }

  @FunctionalInterface
  private interface Packer {
    Path pack(Path raw) throws Exception;
  }

  @FunctionalInterface
  private interface ThrowingAction {
    void run() throws Exception;
  }
}
