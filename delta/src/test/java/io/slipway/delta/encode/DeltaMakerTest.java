package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.delta.apply.AppliedBlob;
import io.slipway.delta.apply.AppliedImage;
import io.slipway.delta.apply.DeltaApplier;
import io.slipway.delta.fixtures.MemoryContent;
import io.slipway.delta.fixtures.TestImage;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import io.slipway.delta.recompress.ZstdRecipe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through the real applier: the maker's payload must rebuild the target exactly. */
class DeltaMakerTest {

  @TempDir Path temp;

  private final MemoryContent baseContent = new MemoryContent();
  private final MemoryContent targetContent = new MemoryContent();

  @Test
  void upgradedRootFilesystemRoundTrips() throws Exception {
    byte[] shared = tarOf("shared", RootFilesystems::makeBase, "2023-01-01", false);
    byte[] before = tarOf("before", RootFilesystems::makeBase, "2024-01-01", false);
    byte[] after = tarOf("after", RootFilesystems::upgradedBase, "2025-01-01", true);
    TestImage base =
        TestImage.builder(baseContent)
            .layer(shared, Compression.NONE)
            .layer(before, Compression.NONE)
            .build();
    TestImage target =
        TestImage.builder(targetContent)
            .layer(shared, Compression.NONE)
            .layer(after, Compression.NONE)
            .build();

    byte[] payload = make(base, target);
    AppliedImage applied = apply(payload, base, target);

    assertThat(kinds(applied))
        .containsExactly(
            AppliedBlob.Kind.MANIFEST,
            AppliedBlob.Kind.CONFIG,
            AppliedBlob.Kind.LAYER_REUSED,
            AppliedBlob.Kind.LAYER_EXACT);
    assertThat(layerBytes(applied, 3)).isEqualTo(after);
    assertThat(payload.length).isLessThan(after.length / 10);
  }

  @Test
  void unmatchedBaseLayerIsNotRead() throws Exception {
    byte[] unrelated = tarOf("unrelated", RootFilesystems::makeUnrelated, "2024-01-01", false);
    byte[] before = tarOf("before", RootFilesystems::makeBase, "2024-01-01", false);
    byte[] after = tarOf("after", RootFilesystems::upgradedBase, "2025-01-01", false);
    TestImage base =
        TestImage.builder(baseContent)
            .layer(unrelated, Compression.NONE)
            .layer(before, Compression.NONE)
            .build();
    TestImage target = TestImage.builder(targetContent).layer(after, Compression.NONE).build();

    byte[] payload = make(base, target);
    baseContent.remove(base.layers().get(0).digest());
    AppliedImage applied = apply(payload, base, target);

    assertThat(layerBytes(applied, 2)).isEqualTo(after);
  }

  @Test
  void changedTimestampsCostAlmostNothing() throws Exception {
    byte[] before = tarOf("before", RootFilesystems::makeBase, "2024-01-01", false);
    byte[] after = tarOf("after", RootFilesystems::makeBase, "2025-01-01", false);
    TestImage base = TestImage.builder(baseContent).layer(before, Compression.NONE).build();
    TestImage target = TestImage.builder(targetContent).layer(after, Compression.NONE).build();

    byte[] payload = make(base, target);
    AppliedImage applied = apply(payload, base, target);

    assertThat(layerBytes(applied, 2)).isEqualTo(after);
    assertThat(payload.length).isLessThan(after.length / 200);
  }

  @Test
  void gzipLayerIsRebuiltToTheExactBlob() throws Exception {
    byte[] before = tarOf("before", RootFilesystems::makeBase, "2024-01-01", false);
    byte[] after = tarOf("after", RootFilesystems::upgradedBase, "2025-01-01", false);
    TestImage base = TestImage.builder(baseContent).layer(before, Compression.GZIP).build();
    TestImage target = TestImage.builder(targetContent).layer(after, Compression.GZIP).build();

    AppliedImage applied = apply(make(base, target), base, target);

    AppliedBlob layer = applied.blobs().get(2);
    assertThat(layer.kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    assertThat(layer.digest()).isEqualTo(target.layers().get(0).digest());
  }

  @Test
  void zstdLayerIsRebuiltToTheExactBlob() throws Exception {
    byte[] before = tarOf("before", RootFilesystems::makeBase, "2024-01-01", false);
    byte[] after = tarOf("after", RootFilesystems::upgradedBase, "2025-01-01", false);
    TestImage base = TestImage.builder(baseContent).layer(before, Compression.NONE).build();
    byte[] blob = compress(new ZstdRecipe(3, true), after);
    TestImage target =
        TestImage.builder(targetContent).layer(after, blob, TestImage.TAR_ZSTD).build();

    AppliedImage applied = apply(make(base, target), base, target);

    AppliedBlob layer = applied.blobs().get(2);
    assertThat(layer.kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    assertThat(layer.digest()).isEqualTo(Digest.of(blob));
  }

  @Test
  void unreproducibleGzipLayerIsKeptUncompressed() throws Exception {
    byte[] before = tarOf("before", RootFilesystems::makeBase, "2024-01-01", false);
    byte[] after = tarOf("after", RootFilesystems::upgradedBase, "2025-01-01", false);
    TestImage base = TestImage.builder(baseContent).layer(before, Compression.NONE).build();
    byte[] blob = twoGzipMembers(after);
    TestImage target =
        TestImage.builder(targetContent).layer(after, blob, TestImage.TAR_GZIP).build();

    AppliedImage applied = apply(make(base, target), base, target);

    AppliedBlob layer = applied.blobs().get(2);
    assertThat(layer.kind()).isEqualTo(AppliedBlob.Kind.LAYER_UNCOMPRESSED);
    assertThat(layer.diffId()).isEqualTo(Digest.of(after));
    assertThat(Files.readAllBytes(layer.file())).isEqualTo(after);
  }

  @Test
  void jarsAtNeighbouringVersionsRoundTrip() throws Exception {
    Path jars = Path.of(System.getProperty("basedir", "."), "target", "test-jars");
    byte[] before = tarOfDirectory(jars.resolve("old"), "2024-01-01");
    byte[] after = tarOfDirectory(jars.resolve("new"), "2025-01-01");
    TestImage base = TestImage.builder(baseContent).layer(before, Compression.NONE).build();
    TestImage target = TestImage.builder(targetContent).layer(after, Compression.NONE).build();

    byte[] payload = make(base, target);
    AppliedImage applied = apply(payload, base, target);

    assertThat(layerBytes(applied, 2)).isEqualTo(after);
    System.out.printf(
        "Jar pair: payload %d bytes for a %d byte tar (%.1f%%)%n",
        payload.length, after.length, 100.0 * payload.length / after.length);
    assertThat(payload.length).isLessThan(after.length / 4);
  }

  @Test
  void identicalImageReusesEveryLayer() throws Exception {
    byte[] before = tarOf("before", RootFilesystems::makeBase, "2024-01-01", false);
    TestImage base = TestImage.builder(baseContent).layer(before, Compression.NONE).build();
    TestImage target =
        TestImage.builder(targetContent).label("next").layer(before, Compression.NONE).build();

    AppliedImage applied = apply(make(base, target), base, target);

    assertThat(kinds(applied))
        .containsExactly(
            AppliedBlob.Kind.MANIFEST, AppliedBlob.Kind.CONFIG, AppliedBlob.Kind.LAYER_REUSED);
  }

  private byte[] make(TestImage base, TestImage target) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    DeltaSummary summary =
        DeltaMaker.standard()
            .make(
                baseContent,
                base.manifestDigest(),
                targetContent,
                target.manifestDigest(),
                payload,
                temp.resolve("make-scratch"));
    assertThat(summary.payloadSize()).isEqualTo(payload.size());
    return payload.toByteArray();
  }

  private AppliedImage apply(byte[] payload, TestImage base, TestImage target) throws IOException {
    Path staging = Files.createDirectories(temp.resolve("staging"));
    return new DeltaApplier(Files.createDirectories(temp.resolve("apply-scratch")))
        .apply(
            new ByteArrayInputStream(payload),
            baseContent,
            base.manifestDigest(),
            target.manifestDigest(),
            staging);
  }

  private static List<AppliedBlob.Kind> kinds(AppliedImage applied) {
    return applied.blobs().stream().map(AppliedBlob::kind).toList();
  }

  private static byte[] layerBytes(AppliedImage applied, int index) throws IOException {
    AppliedBlob blob = applied.blobs().get(index);
    byte[] bytes = Files.readAllBytes(blob.file());
    assertThat(Digest.of(bytes)).isEqualTo(blob.digest());
    return bytes;
  }

  private byte[] tarOf(String name, RootMaker maker, String mtime, boolean reverse)
      throws Exception {
    Path root = temp.resolve(name);
    maker.make(root);
    return Files.readAllBytes(
        RootFilesystems.tar(root, temp.resolve(name + ".tar"), mtime, reverse));
  }

  private byte[] tarOfDirectory(Path directory, String mtime) throws Exception {
    Path root = temp.resolve(directory.getFileName() + "-root");
    Path lib = Files.createDirectories(root.resolve("app/lib"));
    try (Stream<Path> jars = Files.list(directory)) {
      for (Path jar : jars.toList()) {
        Files.copy(jar, lib.resolve(jar.getFileName()));
      }
    }
    Path tar = temp.resolve(directory.getFileName() + ".tar");
    return Files.readAllBytes(RootFilesystems.tar(root, tar, mtime, false));
  }

  private static byte[] compress(ZstdRecipe recipe, byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressor = recipe.compressor(out)) {
      compressor.write(tar);
    }
    return out.toByteArray();
  }

  /** Returns {@code tar} as two gzip members, which no single-member recipe reproduces. */
  private static byte[] twoGzipMembers(byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int half = tar.length / 2;
    for (int[] part : new int[][] {{0, half}, {half, tar.length - half}}) {
      ByteArrayOutputStream member = new ByteArrayOutputStream();
      try (GZIPOutputStream gzip = new GZIPOutputStream(member)) {
        gzip.write(tar, part[0], part[1]);
      }
      out.write(member.toByteArray());
    }
    return out.toByteArray();
  }

  /** Fills a directory with a root filesystem. */
  private interface RootMaker {
    void make(Path root) throws IOException;
  }
}
