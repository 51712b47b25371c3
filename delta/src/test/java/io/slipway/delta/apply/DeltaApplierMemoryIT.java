package io.slipway.delta.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdCompressCtx;
import io.slipway.delta.fixtures.MemoryContent;
import io.slipway.delta.fixtures.Tars;
import io.slipway.delta.fixtures.TestImage;
import io.slipway.delta.format.BsdiffPatch;
import io.slipway.delta.format.DeltaFormat;
import io.slipway.delta.format.LayerEncoding;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceLayer;
import io.slipway.delta.format.SourceRange;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.layout.OciLayout;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies a delta to a 1 GiB base layer in a JVM limited to 64 MiB of heap. The layer contains one
 * 16 MiB file, which changes through a zstd patch with the largest reference the format allows. It
 * also contains 1024 files of 1 MiB, and three of them change: through a zstd patch, a bsdiff patch
 * and a literal. Takes about a minute and 3 GiB of temporary disk.
 */
class DeltaApplierMemoryIT {

  private static final int FILES = 1024;
  private static final int FILE_SIZE = 1 << 20;
  private static final int BIG_SIZE = DeltaFormat.MAX_ZSTD_REFERENCE;
  private static final long MTIME = 1_700_000_000L;
  private static final int ZSTD_FILE = 100;
  private static final int BSDIFF_FILE = 500;
  private static final int LITERAL_FILE = 900;

  @TempDir Path dir;

  @Test
  void appliesToGibibyteLayerWithin64MiBHeap() throws Exception {
    Path baseTar = dir.resolve("base.tar");
    Digest baseDiffId = writeBaseTar(baseTar);
    long baseSize = Files.size(baseTar);
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    MemoryContent small = new MemoryContent();
    TestImage base = imageOf(small, baseDiffId, baseSize, "base");
    ImageContent content =
        digest -> digest.equals(baseDiffId) ? Files.newInputStream(baseTar) : small.open(digest);
    layout.writeImage(content, ImageReader.read(content, base.manifestDigest()), "base");
    Files.delete(baseTar);

    Path payload = dir.resolve("delta.bin");
    TestImage target = writePayload(payload, base, baseDiffId, baseSize, small);

    String output = applyWithBoundedHeap(layout, payload, base, target);

    assertThat(output).contains("applied " + target.manifestDigest()).contains("max heap MiB 64");
    Path layer = dir.resolve("staging").resolve(target.layers().get(0).digest().hex());
    assertThat(Files.size(layer)).isEqualTo(target.layers().get(0).size());
  }

  @Test
  void appliesTargetWithLargestConfigWithin64MiBHeap() throws Exception {
    MemoryContent content = new MemoryContent();
    byte[] layerTar = Tars.of(Map.of("etc/os-release", "NAME=test\n".getBytes()), MTIME);
    // Each "{}," is 3 bytes, so the config fills the largest size the reader takes.
    int entries = (ImageReader.MAX_CONFIG_BYTES - 4096) / 3;
    TestImage.Builder target =
        TestImage.builder(content).label("target").layer(layerTar, Compression.NONE);

    appliesReusingLayerWithin64MiBHeap(content, layerTar, target.emptyHistory(entries).build());
  }

  @Test
  void appliesTargetWithLargestManifestWithin64MiBHeap() throws Exception {
    MemoryContent content = new MemoryContent();
    byte[] layerTar = Tars.of(Map.of("etc/os-release", "NAME=test\n".getBytes()), MTIME);
    int entries = (ImageReader.MAX_MANIFEST_BYTES - 4096) / 3;
    TestImage.Builder target =
        TestImage.builder(content).label("target").layer(layerTar, Compression.NONE);

    appliesReusingLayerWithin64MiBHeap(content, layerTar, target.manifestFiller(entries).build());
  }

  /** Applies a payload that reuses the base's one layer and carries the target's documents. */
  private void appliesReusingLayerWithin64MiBHeap(
      MemoryContent content, byte[] layerTar, TestImage target) throws Exception {
    TestImage base =
        TestImage.builder(content).label("base").layer(layerTar, Compression.NONE).build();
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    layout.writeImage(content, ImageReader.read(content, base.manifestDigest()), "base");

    Path payload = dir.resolve("delta.bin");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(payload), 1 << 16);
        PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), target.manifestDigest(), List.of());
      writer.blob(target.manifestDescriptor(), new ByteArrayInputStream(target.manifest()));
      writer.blob(target.config(), new ByteArrayInputStream(target.configBytes()));
      writer.reuse(target.layers().get(0));
      writer.finish();
    }

    String output = applyWithBoundedHeap(layout, payload, base, target);

    assertThat(output).contains("applied " + target.manifestDigest());
  }

  /** Runs {@link ApplyWithBoundedHeap} in a JVM with 64 MiB of heap and returns its output. */
  private String applyWithBoundedHeap(
      OciLayout layout, Path payload, TestImage base, TestImage target) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                ApplyWithBoundedHeap.class.getName(),
                layout.dir().toString(),
                payload.toString(),
                base.manifestDigest().value(),
                target.manifestDigest().value(),
                dir.resolve("staging").toString(),
                dir.resolve("scratch").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  /** Writes the base tar and returns its digest. */
  private static Digest writeBaseTar(Path file) throws IOException {
    MessageDigest sha256 = Digest.newSha256();
    try (OutputStream out =
        new DigestOutputStream(
            new BufferedOutputStream(Files.newOutputStream(file), 1 << 20), sha256)) {
      Tars.writeEntry(out, "opt/big.bin", bigFile(false), MTIME);
      for (int i = 0; i < FILES; i++) {
        Tars.writeEntry(out, name(i), file(i, false), MTIME);
      }
      Tars.writeEnd(out);
    }
    return Digest.fromHash(sha256.digest());
  }

  /**
   * Writes the payload while computing the target tar's digest and size, without writing the target
   * tar itself, and returns the target image.
   */
  private static TestImage writePayload(
      Path file, TestImage base, Digest baseDiffId, long baseSize, MemoryContent small)
      throws IOException {
    TargetTar tar = new TargetTar();
    tar.entry("opt/big.bin", bigFile(true));
    for (int i = 0; i < FILES; i++) {
      tar.entry(name(i), file(i, true));
    }
    tar.end();
    Digest diffId = tar.digest();
    TestImage target = imageOf(small, diffId, tar.size, "target");

    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(
          base.manifestDigest(),
          target.manifestDigest(),
          List.of(new SourceLayer(baseDiffId, baseDiffId, baseSize)));
      writer.blob(target.manifestDescriptor(), new ByteArrayInputStream(target.manifest()));
      writer.blob(target.config(), new ByteArrayInputStream(target.configBytes()));
      writer.beginLayer(target.layers().get(0), diffId, tar.size, new LayerEncoding.Plain());

      long offset = 0;
      writer.literal(Tars.header("opt/big.bin", BIG_SIZE, MTIME + 1), 0, Tars.BLOCK);
      writeZstdPatch(
          writer, new SourceRange(0, offset + Tars.BLOCK, BIG_SIZE), bigFile(false), bigFile(true));
      offset += Tars.BLOCK + BIG_SIZE;
      for (int i = 0; i < FILES; i++) {
        writer.literal(Tars.header(name(i), FILE_SIZE, MTIME + 1), 0, Tars.BLOCK);
        SourceRange old = new SourceRange(0, offset + Tars.BLOCK, FILE_SIZE);
        writeFile(writer, i, old);
        offset += Tars.BLOCK + FILE_SIZE;
      }
      writer.literal(new byte[2 * Tars.BLOCK], 0, 2 * Tars.BLOCK);
      writer.endLayer();
      writer.finish();
    }
    return target;
  }

  private static void writeFile(PayloadWriter writer, int index, SourceRange old)
      throws IOException {
    switch (index) {
      case ZSTD_FILE -> writeZstdPatch(writer, old, file(index, false), file(index, true));
      case BSDIFF_FILE -> writeBsdiff(writer, old, file(index, false), file(index, true));
      case LITERAL_FILE -> writer.literal(file(index, true), 0, FILE_SIZE);
      default -> writer.copy(old);
    }
  }

  private static void writeZstdPatch(
      PayloadWriter writer, SourceRange reference, byte[] old, byte[] changed) throws IOException {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(3);
      ctx.setWindowLog(DeltaFormat.MAX_ZSTD_PATCH_WINDOW_LOG);
      ctx.loadDict(old);
      writer.zstdPatch(reference, changed.length, ctx.compress(changed));
    }
  }

  private static void writeBsdiff(
      PayloadWriter writer, SourceRange reference, byte[] old, byte[] changed) throws IOException {
    byte[] diff = new byte[changed.length];
    for (int i = 0; i < diff.length; i++) {
      diff[i] = (byte) (changed[i] - old[i]);
    }
    BsdiffPatch patch =
        new BsdiffPatch(List.of(new BsdiffPatch.Control(changed.length, 0, 0)), diff, new byte[0]);
    writer.bsdiff(reference, patch);
  }

  private static TestImage imageOf(MemoryContent small, Digest layer, long size, String label) {
    return TestImage.builder(small).label(label).layer(layer, size).build();
  }

  private static String name(int index) {
    return String.format("data/file-%04d.bin", index);
  }

  /** Returns file {@code index}: pseudo-random bytes, a few of them changed in the target. */
  private static byte[] file(int index, boolean target) {
    byte[] content = random(index, FILE_SIZE);
    boolean changed = index == ZSTD_FILE || index == BSDIFF_FILE || index == LITERAL_FILE;
    if (target && changed) {
      for (int at = 4096; at < content.length; at += 65_536) {
        content[at] ^= 0x5a;
      }
    }
    return content;
  }

  private static byte[] bigFile(boolean target) {
    byte[] content = random(-1, BIG_SIZE);
    if (target) {
      for (int at = 1000; at < content.length; at += 1 << 20) {
        content[at] ^= 0x33;
      }
    }
    return content;
  }

  private static byte[] random(long seed, int size) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] content = new byte[size];
    for (int i = 0; i < size; i += 8) {
      long value = random.nextLong();
      for (int b = 0; b < 8; b++) {
        content[i + b] = (byte) (value >>> (8 * b));
      }
    }
    return content;
  }

  /** The target tar, hashed and counted as it would be written. */
  private static final class TargetTar {

    private final MessageDigest sha256 = Digest.newSha256();
    private final OutputStream out =
        new DigestOutputStream(OutputStream.nullOutputStream(), sha256);
    private long size;

    void entry(String name, byte[] content) throws IOException {
      Tars.writeEntry(out, name, content, MTIME + 1);
      size += Tars.BLOCK + content.length + Tars.padding(content.length);
    }

    void end() throws IOException {
      Tars.writeEnd(out);
      size += 2 * Tars.BLOCK;
    }

    /** Returns the digest; call once, after {@link #end}. */
    Digest digest() {
      return Digest.fromHash(sha256.digest());
    }
  }
}
