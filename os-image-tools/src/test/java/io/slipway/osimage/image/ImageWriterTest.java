package io.slipway.osimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.testing.ExternalTool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageWriterTest {

  private static final long ENTRY_TIME = 1_700_000_000_000L;

  @TempDir Path directory;
  private Path scratch;
  private byte[] image;
  private byte[] patched;
  private ImagePatch patch;
  private Path raw;

  @BeforeEach
  void writeImage() throws IOException {
    scratch = directory.resolve("scratch");
    image = SampleImages.raw();
    raw = SampleImages.writeRaw(directory, "base", image);
    byte[] across = new byte[10_000];
    java.util.Arrays.fill(across, (byte) 7);
    patch =
        ImagePatch.builder()
            .write(446, new byte[] {1, 2, 3})
            .write(ImageWriter.CHUNK - 5000, across)
            .write(3L * 4096, new byte[4096])
            .build();
    patched = image.clone();
    for (ImagePatch.Range range : patch.ranges()) {
      System.arraycopy(range.content(), 0, patched, (int) range.offset(), range.content().length);
    }
  }

  @Test
  void rawOutputIsThePatchedImage() throws IOException {
    Path out = directory.resolve("out.img");
    WriteResult result;
    try (SourceImage source = ImageSources.open(raw, scratch);
        OutputStream stream = Files.newOutputStream(out)) {
      result =
          ImageWriter.write(
              source, patch, stream, ImageFormat.IMG, "out.img", 0, ProgressListener.NONE);
    }

    assertThat(Files.readAllBytes(out)).isEqualTo(patched);
    assertThat(result.rawSize()).isEqualTo(patched.length);
    assertThat(result.bytesWritten()).isEqualTo(patched.length);
    assertThat(result.sha256()).isEqualTo(sha256(patched));
  }

  @Test
  void sparseFileHasTheImageBytesAndLength() throws IOException {
    byte[] endsInZeros = java.util.Arrays.copyOf(image, image.length + 3 * 4096);
    Path base = SampleImages.writeRaw(directory, "zero-tail", endsInZeros);
    Path out = directory.resolve("out.img");
    WriteResult result;
    try (SourceImage source = ImageSources.open(base, scratch);
        FileChannel channel =
            FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      result = ImageWriter.writeSparse(source, ImagePatch.empty(), channel, ProgressListener.NONE);
    }

    assertThat(Files.readAllBytes(out)).isEqualTo(endsInZeros);
    assertThat(result.sha256()).isEqualTo(sha256(endsInZeros));
  }

  @Test
  void progressCountsUpToTheKnownSize() throws IOException {
    List<long[]> reports = new ArrayList<>();
    try (SourceImage source = ImageSources.open(raw, scratch)) {
      ImageWriter.write(
          source,
          patch,
          OutputStream.nullOutputStream(),
          ImageFormat.IMG,
          "out.img",
          0,
          (done, total) -> reports.add(new long[] {done, total}));
    }

    int chunks = (image.length + ImageWriter.CHUNK - 1) / ImageWriter.CHUNK;
    assertThat(reports).hasSize(chunks);
    assertThat(reports.get(0)).containsExactly(ImageWriter.CHUNK, image.length);
    assertThat(reports.get(chunks - 1)).containsExactly(image.length, image.length);
  }

  @Test
  void compressedOutputsDecompressToThePatchedImage() throws Exception {
    String[][] decompressors = {
      {"img.gz", "gzip", "/usr/bin/gzip", "-dc"},
      {"img.xz", "xz-utils", "/usr/bin/xz", "-dc"},
      {"img.zst", "zstd", "/usr/bin/zstd", "-dc"},
      {"img.zip", "unzip", "/usr/bin/unzip", "-p"},
    };
    for (String[] decompressor : decompressors) {
      ImageFormat format = ImageFormat.fromName(decompressor[0]);
      Path out = directory.resolve("out." + format.extension());
      WriteResult result = writeFromXz(out, format);
      Path unpacked = directory.resolve("unpacked-" + format);
      List<String> command = new ArrayList<>(List.of(decompressor).subList(2, decompressor.length));
      command.add(out.toString());
      if (format == ImageFormat.IMG_ZIP) {
        command.add("fleet.img");
      }
      ExternalTool.outputTo(
          unpacked,
          command.get(0),
          decompressor[1],
          command.subList(1, command.size()).toArray(String[]::new));

      assertThat(Files.readAllBytes(unpacked)).as(format.toString()).isEqualTo(patched);
      assertThat(result.bytesWritten()).as(format.toString()).isEqualTo(Files.size(out));
      assertThat(result.sha256()).as(format.toString()).isEqualTo(sha256(patched));
    }
  }

  @Test
  void zipOutputCarriesBmapAndChecksum() throws Exception {
    Path out = directory.resolve("out.img.zip");
    WriteResult result = writeFromXz(out, ImageFormat.IMG_ZIP);

    String listing = ExternalTool.output("/usr/bin/unzip", "unzip", "-Z1", out.toString());
    String checksum =
        ExternalTool.output("/usr/bin/unzip", "unzip", "-p", out.toString(), "fleet.img.sha256");
    String bmap =
        ExternalTool.output("/usr/bin/unzip", "unzip", "-p", out.toString(), "fleet.img.bmap");

    assertThat(listing.lines()).containsExactly("fleet.img", "fleet.img.bmap", "fleet.img.sha256");
    assertThat(checksum).isEqualTo(sha256(patched) + "  fleet.img\n");
    assertThat(bmap).isEqualTo(new String(result.bmap(), StandardCharsets.UTF_8));
    ExternalTool.output("/usr/bin/unzip", "unzip", "-tq", out.toString());
  }

  @Test
  void zipOfUnknownSizeUsesZip64() throws Exception {
    Path out = directory.resolve("out.img.zip");
    try (SourceImage source = ImageSources.open(SampleImages.gzip(raw), scratch);
        OutputStream stream = Files.newOutputStream(out)) {
      assertThat(source.knownSize()).isEmpty();
      ImageWriter.write(
          source,
          patch,
          stream,
          ImageFormat.IMG_ZIP,
          "fleet.img",
          ENTRY_TIME,
          ProgressListener.NONE);
    }
    Path unpacked = directory.resolve("unpacked.img");

    ExternalTool.outputTo(unpacked, "/usr/bin/unzip", "unzip", "-p", out.toString(), "fleet.img");

    assertThat(Files.readAllBytes(unpacked)).isEqualTo(patched);
    ExternalTool.output("/usr/bin/unzip", "unzip", "-tq", out.toString());
  }

  @Test
  void sourceShorterThanItsHeaderIsCorrupt() throws IOException {
    OptionalLong stated = OptionalLong.of(image.length + 1L);
    try (SourceImage source =
        SpoolingImageBytes.open(
            "short.img.zst", new ByteArrayInputStream(image), stated, scratch)) {
      assertThatThrownBy(() -> discard(source, patch, ImageFormat.IMG))
          .isInstanceOfSatisfying(
              OsImageException.class,
              e -> assertThat(e.failure()).isEqualTo(OsImageFailure.CORRUPT_ARCHIVE))
          .hasMessageContaining("short.img.zst");
    }
  }

  @Test
  void patchPastTheImageEndIsRejected() throws IOException {
    ImagePatch beyond = ImagePatch.builder().write(image.length - 1, new byte[] {1, 2}).build();
    try (SourceImage source = ImageSources.open(raw, scratch)) {
      assertThatThrownBy(() -> discard(source, beyond, ImageFormat.IMG))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void truncatedSourceFailsTheWrite() throws Exception {
    Path cut = SampleImages.truncated(SampleImages.gzip(raw), 2_000_000);
    try (SourceImage source = ImageSources.open(cut, scratch)) {
      assertThatThrownBy(() -> discard(source, patch, ImageFormat.IMG_ZST))
          .isInstanceOfSatisfying(
              OsImageException.class,
              e -> assertThat(e.failure()).isEqualTo(OsImageFailure.CORRUPT_ARCHIVE));
    }
  }

  private static WriteResult discard(SourceImage source, ImagePatch patch, ImageFormat format)
      throws IOException {
    OutputStream nowhere = OutputStream.nullOutputStream();
    return ImageWriter.write(source, patch, nowhere, format, "x.img", 0, ProgressListener.NONE);
  }

  private WriteResult writeFromXz(Path out, ImageFormat format) throws Exception {
    Path xz = SampleImages.xz(raw);
    try (SourceImage source = ImageSources.open(xz, scratch);
        OutputStream stream = Files.newOutputStream(out)) {
      return ImageWriter.write(
          source, patch, stream, format, "fleet.img", ENTRY_TIME, ProgressListener.NONE);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
