package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.delta.apply.AppliedBlob;
import io.slipway.delta.apply.AppliedImage;
import io.slipway.delta.apply.DeltaApplier;
import io.slipway.delta.fixtures.MemoryContent;
import io.slipway.delta.fixtures.Tars;
import io.slipway.delta.fixtures.TestImage;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import io.slipway.testing.tool.RequiredTool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gzip files inside a layer (changelogs, man pages) are encoded through their content: a changed
 * line costs about its own size, not the whole compressed file.
 */
class GzipFileDeltaTest {

  private static final long MTIME = 1_700_000_000L;
  private static final String CHANGELOG = "usr/share/doc/libexample/changelog.Debian.gz";

  @TempDir Path temp;

  private final MemoryContent baseContent = new MemoryContent();
  private final MemoryContent targetContent = new MemoryContent();

  @Test
  void changedGzipFileCostsItsNewLines() throws Exception {
    byte[] before = gzip(changelog(400), Deflater.BEST_COMPRESSION);
    byte[] after = gzip(newEntry() + changelog(400), Deflater.BEST_COMPRESSION);

    Result result = roundTrip(before, after);

    assertThat(result.payload().length).isLessThan(after.length / 8);
  }

  @Test
  void largeFileMadeByGnuGzipCostsItsNewLines() throws Exception {
    // zlib does not reproduce what GNU gzip makes of a changelog this large.
    byte[] before = gnuGzip(changelog(3000));
    byte[] after = gnuGzip(newEntry() + changelog(3000));

    Result result = roundTrip(before, after);

    assertThat(result.payload().length).isLessThan(after.length / 20);
  }

  @Test
  void gzipFileAtDefaultLevelRoundTrips() throws Exception {
    byte[] before = gzip(changelog(300), Deflater.DEFAULT_COMPRESSION);
    byte[] after = gzip(newEntry() + changelog(300), Deflater.DEFAULT_COMPRESSION);

    Result result = roundTrip(before, after);

    assertThat(result.payload().length).isLessThan(after.length / 8);
  }

  @Test
  void twoMemberGzipFileRoundTrips() throws Exception {
    byte[] before = gzip(changelog(200), Deflater.BEST_COMPRESSION);
    byte[] after =
        concat(
            gzip(newEntry(), Deflater.BEST_COMPRESSION),
            gzip(changelog(200), Deflater.BEST_COMPRESSION));

    roundTrip(before, after);
  }

  @Test
  void corruptOldGzipFileStillRoundTrips() throws Exception {
    byte[] before = gzip(changelog(200), Deflater.BEST_COMPRESSION);
    before[before.length - 3] ^= 0x55;
    byte[] after = gzip(newEntry() + changelog(200), Deflater.BEST_COMPRESSION);

    roundTrip(before, after);
  }

  /** Makes a delta between one-layer images holding the two files, applies it, checks the tar. */
  private Result roundTrip(byte[] oldFile, byte[] newFile) throws IOException {
    byte[] oldTar = Tars.of(files(oldFile), MTIME);
    byte[] newTar = Tars.of(files(newFile), MTIME);
    TestImage base = TestImage.builder(baseContent).layer(oldTar, Compression.NONE).build();
    TestImage target =
        TestImage.builder(targetContent).label("next").layer(newTar, Compression.NONE).build();

    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    DeltaMaker.standard()
        .make(
            baseContent,
            base.manifestDigest(),
            targetContent,
            target.manifestDigest(),
            payload,
            temp.resolve("make-scratch"));
    AppliedImage applied =
        new DeltaApplier(Files.createDirectories(temp.resolve("apply-scratch")))
            .apply(
                new ByteArrayInputStream(payload.toByteArray()),
                baseContent,
                base.manifestDigest(),
                target.manifestDigest(),
                Files.createDirectories(temp.resolve("staging")));

    AppliedBlob layer = applied.blobs().get(2);
    byte[] rebuilt = Files.readAllBytes(layer.file());
    assertThat(Digest.of(rebuilt)).isEqualTo(Digest.of(newTar));
    return new Result(payload.toByteArray());
  }

  private static Map<String, byte[]> files(byte[] changelog) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("etc/hostname", "device\n".getBytes(StandardCharsets.US_ASCII));
    files.put(CHANGELOG, changelog);
    return files;
  }

  /**
   * Returns a changelog of {@code entries} entries of pseudo-random words, which compress like
   * prose.
   */
  private static String changelog(int entries) {
    Random words = new Random(entries);
    StringBuilder text = new StringBuilder();
    for (int entry = entries; entry > 0; entry--) {
      text.append("libexample (1.").append(entry).append("-1) bookworm; urgency=medium\n\n  *");
      for (int word = 0; word < 24; word++) {
        text.append(' ').append(Integer.toString(words.nextInt(1 << 20), 36));
      }
      text.append("\n\n -- Maintainer <maintainer@example.org>  day ")
          .append(entry % 28 + 1)
          .append("\n\n");
    }
    return text.toString();
  }

  private static String newEntry() {
    return "libexample (2.0-1) bookworm-security; urgency=high\n\n"
        + "  * Fix an out-of-bounds read in the parser.\n\n"
        + " -- Security Team <security@example.org>  day 5\n\n";
  }

  private static byte[] gzip(String text, int level) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip =
        new GZIPOutputStream(out) {
          {
            def.setLevel(level);
          }
        }) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Returns {@code text} compressed by {@code /usr/bin/gzip -9n}, as Debian packages ship it. */
  private byte[] gnuGzip(String text) throws IOException, InterruptedException {
    Path gzip = RequiredTool.require("/usr/bin/gzip", "gzip");
    Path input = Files.writeString(temp.resolve("changelog"), text, StandardCharsets.UTF_8);
    Process process =
        new ProcessBuilder(gzip.toString(), "-9n", "-c", input.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] compressed = process.getInputStream().readAllBytes();
    assertThat(process.waitFor()).as("gzip exit status").isZero();
    return compressed;
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  private record Result(byte[] payload) {}
}
