package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipReproducerTest {

  private static final byte[] CONTENT = SampleContent.of(3 * 1024 * 1024, 7);

  @TempDir Path directory;

  @Test
  void findsJavaGzipOutputStream() throws IOException {
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(blob)) {
      gzip.write(CONTENT);
    }
    Path file = write("java.gz", blob.toByteArray());

    Optional<GzipRecipe> recipe = GzipReproducer.find(file);

    assertThat(recipe).map(GzipRecipe::deflate).contains(new DeflateRecipe(6, 0));
    assertThat(rebuild(recipe.orElseThrow(), CONTENT)).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void findsGnuGzipRecipeForGzipCommandOutput() throws Exception {
    // GNU gzip has its own deflate implementation, which splits blocks differently from zlib.
    Path content = write("content", CONTENT);
    Path file = directory.resolve("content.gz");
    run(file, "gzip", "-n", "-9", "-c", content.toString());

    Optional<GzipRecipe> recipe = GzipReproducer.find(file);

    assertThat(recipe).map(GzipRecipe::deflate).contains(DeflateRecipe.gnuGzip(9));
    assertThat(rebuild(recipe.orElseThrow(), CONTENT)).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void keepsExtraNameCommentAndHeaderCrc() throws IOException {
    byte[] header = headerWithAllOptionalFields();
    Path file = write("fields.gz", gzip(header, new DeflateRecipe(1, 0), CONTENT));

    GzipRecipe recipe = GzipReproducer.find(file).orElseThrow();

    assertThat(recipe.header()).isEqualTo(header);
    assertThat(recipe.deflate()).isEqualTo(new DeflateRecipe(1, 0));
  }

  @Test
  void findsFilteredStrategy() throws IOException {
    DeflateRecipe filtered = new DeflateRecipe(5, Deflater.FILTERED);
    Path file = write("filtered.gz", gzip(plainHeader(), filtered, CONTENT));

    assertThat(GzipReproducer.find(file)).map(GzipRecipe::deflate).contains(filtered);
  }

  @Test
  void findsEmptyContent() throws IOException {
    Path file = write("empty.gz", gzip(plainHeader(), new DeflateRecipe(9, 0), new byte[0]));

    GzipRecipe recipe = GzipReproducer.find(file).orElseThrow();

    assertThat(rebuild(recipe, new byte[0])).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void rejectsStreamWithFlushPoints() throws IOException {
    Path file = write("flushed.gz", gzipWithSyncFlush(CONTENT));

    assertThat(GzipReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsTwoMembers() throws IOException {
    byte[] member = gzip(plainHeader(), new DeflateRecipe(6, 0), CONTENT);
    Path file = write("two.gz", concat(member, member));

    assertThat(GzipReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsTrailingBytes() throws IOException {
    byte[] member = gzip(plainHeader(), new DeflateRecipe(6, 0), CONTENT);
    Path file = write("trailing.gz", concat(member, new byte[] {0, 0, 0, 0}));

    assertThat(GzipReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsTruncatedBlob() throws IOException {
    byte[] member = gzip(plainHeader(), new DeflateRecipe(6, 0), CONTENT);
    Path file = write("cut.gz", Arrays.copyOf(member, member.length / 2));

    assertThat(GzipReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsBlobThatIsNotGzip() throws IOException {
    Path file = write("plain", CONTENT);

    assertThat(GzipReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsReservedHeaderFlags() throws IOException {
    byte[] header = plainHeader();
    header[3] = (byte) 0x20;
    Path file = write("reserved.gz", gzip(header, new DeflateRecipe(6, 0), CONTENT));

    assertThat(GzipReproducer.find(file)).isEmpty();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(directory.resolve(name), bytes);
  }

  private void run(Path output, String... command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(output.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
  }

  static byte[] rebuild(GzipRecipe recipe, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressor = recipe.compressor(out)) {
      // Small writes check that the output does not depend on how the content arrives.
      for (int offset = 0; offset < content.length; offset += 1000) {
        compressor.write(content, offset, Math.min(1000, content.length - offset));
        compressor.flush();
      }
    }
    return out.toByteArray();
  }

  static byte[] plainHeader() {
    return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  }

  private static byte[] headerWithAllOptionalFields() {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x1e, 1, 2, 3, 4, 2, 3});
    header.writeBytes(new byte[] {6, 0, 'A', 'B', 2, 0, 'x', 'y'});
    header.writeBytes("layer.tar\0".getBytes(StandardCharsets.ISO_8859_1));
    header.writeBytes("made by a test\0".getBytes(StandardCharsets.ISO_8859_1));
    CRC32 crc = new CRC32();
    crc.update(header.toByteArray());
    header.write((int) crc.getValue() & 0xff);
    header.write((int) (crc.getValue() >>> 8) & 0xff);
    return header.toByteArray();
  }

  static byte[] gzip(byte[] header, DeflateRecipe recipe, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(DeflateReproducerTest.deflate(recipe, content));
    writeTrailer(out, content);
    return out.toByteArray();
  }

  private static byte[] gzipWithSyncFlush(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(plainHeader());
    Deflater deflater = new Deflater(6, true);
    byte[] buffer = new byte[8192];
    int half = content.length / 2;
    deflater.setInput(content, 0, half);
    int produced;
    while ((produced = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buffer, 0, produced);
    }
    deflater.setInput(content, half, content.length - half);
    deflater.finish();
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    writeTrailer(out, content);
    return out.toByteArray();
  }

  private static void writeTrailer(ByteArrayOutputStream out, byte[] content) {
    CRC32 crc = new CRC32();
    crc.update(content);
    for (long value : new long[] {crc.getValue(), content.length}) {
      for (int i = 0; i < 4; i++) {
        out.write((int) (value >>> (8 * i)) & 0xff);
      }
    }
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] joined = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, joined, first.length, second.length);
    return joined;
  }
}
