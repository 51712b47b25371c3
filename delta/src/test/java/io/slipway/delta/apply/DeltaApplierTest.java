package io.slipway.delta.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdCompressCtx;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.fixtures.MemoryContent;
import io.slipway.delta.fixtures.Tars;
import io.slipway.delta.fixtures.TestImage;
import io.slipway.delta.format.BsdiffPatch;
import io.slipway.delta.format.InflatedRange;
import io.slipway.delta.format.LayerEncoding;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceLayer;
import io.slipway.delta.format.SourceRange;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.manifest.DeltaManifest;
import io.slipway.delta.recompress.DeflateRecipe;
import io.slipway.delta.recompress.GzipRecipe;
import io.slipway.delta.recompress.GzipReproducer;
import io.slipway.delta.recompress.ZstdRecipe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaApplierTest {

  @TempDir Path dir;

  private final MemoryContent content = new MemoryContent();
  private final Random random = new Random(42);
  private byte[] library;
  private byte[] text;
  private byte[] notes;
  private byte[] archive;
  private byte[] archiveEntry;
  private byte[] kept;
  private TestImage base;
  private byte[] sharedTar;

  @BeforeEach
  void makeBase() {
    library = randomBytes(300_000);
    text = "line one\nline two\nline three\n".repeat(2000).getBytes();
    notes = "release notes\n".repeat(100).getBytes();
    archiveEntry = "class file content ".repeat(5000).getBytes();
    archive = deflate(archiveEntry, 6);
    kept = randomBytes(70_000);

    Map<String, byte[]> files = Tars.files();
    files.put("usr/lib/libdemo.so", library);
    files.put("etc/demo.conf", text);
    files.put("app/entry.deflate", archive);
    files.put("usr/share/notes.txt", notes);
    sharedTar = Tars.of(Map.of("opt/kept.bin", kept), 1);
    base =
        TestImage.builder(content)
            .label("base")
            .layer(Tars.of(files, 1_700_000_000L), Compression.NONE)
            .layer(sharedTar, Compression.GZIP)
            .build();
  }

  @Test
  void rebuildsTargetWithEveryOperation() throws IOException {
    Target target = target();

    AppliedImage applied = apply(target.payload, target.image.manifestDigest());

    assertThat(applied.targetManifest()).isEqualTo(target.image.manifestDigest());
    assertThat(applied.blobs())
        .extracting(AppliedBlob::kind)
        .containsExactly(
            AppliedBlob.Kind.MANIFEST,
            AppliedBlob.Kind.CONFIG,
            AppliedBlob.Kind.LAYER_REUSED,
            AppliedBlob.Kind.LAYER_EXACT,
            AppliedBlob.Kind.LAYER_EXACT);
    for (AppliedBlob blob : applied.blobs()) {
      if (blob.file() != null) {
        assertThat(Digest.of(Files.readAllBytes(blob.file()))).isEqualTo(blob.digest());
      }
    }
    assertThat(applied.payloadBytes()).isEqualTo(target.payload.length);
  }

  @Test
  void reportsEachLayerOnceStaged() throws IOException {
    Target target = target();
    List<AppliedBlob> reported = new ArrayList<>();
    List<Boolean> stagedWhenReported = new ArrayList<>();

    AppliedImage applied =
        new DeltaApplier(
                dir.resolve("scratch"),
                layer -> {
                  reported.add(layer);
                  stagedWhenReported.add(layer.file() == null || Files.exists(layer.file()));
                })
            .apply(
                new ByteArrayInputStream(target.payload),
                content,
                base.manifestDigest(),
                target.image.manifestDigest(),
                dir.resolve("staging"));

    assertThat(reported)
        .containsExactlyElementsOf(applied.blobs().subList(2, applied.blobs().size()));
    assertThat(stagedWhenReported).containsOnly(true);
  }

  @Test
  void keepsLayerUncompressedWhenRecompressionIsUnknown() throws IOException {
    byte[] newTar = Tars.of(Map.of("etc/demo.conf", notes), 5);
    TestImage image =
        TestImage.builder(new MemoryContent()).layer(newTar, Compression.GZIP).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), List.of());
      writeManifestAndConfig(writer, image);
      writer.beginLayer(
          image.layers().get(0),
          image.diffIds().get(0),
          newTar.length,
          new LayerEncoding.DiffIdOnly(Compression.GZIP));
      writer.literal(newTar, 0, newTar.length);
      writer.endLayer();
      writer.finish();
    }

    AppliedImage applied = apply(out.toByteArray(), image.manifestDigest());

    AppliedBlob layer = applied.blobs().get(2);
    assertThat(layer.kind()).isEqualTo(AppliedBlob.Kind.LAYER_UNCOMPRESSED);
    assertThat(layer.file().getFileName().toString()).isEqualTo(image.diffIds().get(0).hex());
    assertThat(Files.readAllBytes(layer.file())).isEqualTo(newTar);
  }

  @Test
  void rebuildsCompressedLayersExactly() throws IOException {
    byte[] gzipTar = Tars.of(Map.of("usr/lib/libdemo.so", library), 7);
    byte[] zstdTar = Tars.of(Map.of("etc/demo.conf", text), 8);
    ZstdRecipe zstdRecipe = new ZstdRecipe(5, true);
    MemoryContent targetContent = new MemoryContent();
    TestImage image =
        TestImage.builder(targetContent)
            .layer(gzipTar, Compression.GZIP)
            .layer(zstdTar, compress(zstdRecipe, zstdTar), TestImage.TAR_ZSTD)
            .build();
    Path gzipBlob = dir.resolve("layer.gz");
    Files.write(gzipBlob, targetContent.get(image.layers().get(0).digest()));
    GzipRecipe gzipRecipe = GzipReproducer.find(gzipBlob).orElseThrow();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), List.of());
      writeManifestAndConfig(writer, image);
      writeWholeLayer(writer, image, 0, new LayerEncoding.Gzip(gzipRecipe));
      writeWholeLayer(writer, image, 1, new LayerEncoding.Zstd(zstdRecipe));
      writer.finish();
    }
    AppliedImage applied = apply(out.toByteArray(), image.manifestDigest());

    for (int layer = 0; layer < 2; layer++) {
      AppliedBlob blob = applied.blobs().get(2 + layer);
      assertThat(blob.kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
      assertThat(Files.readAllBytes(blob.file()))
          .isEqualTo(targetContent.get(image.layers().get(layer).digest()));
    }
  }

  @Test
  void patchesAgainstInflatedArchiveEntry() throws IOException {
    byte[] changed = ("header\n" + new String(archiveEntry)).getBytes();
    changed[5000] ^= 1;
    Map<String, byte[]> files = Tars.files();
    files.put("a", changed);
    files.put("b", changed);
    byte[] newTar = Tars.of(files, 9);
    TestImage image =
        TestImage.builder(new MemoryContent()).layer(newTar, Compression.NONE).build();
    InflatedRange entry =
        new InflatedRange(
            new SourceRange(0, contentOffset(2), archive.length), archiveEntry.length);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), sourceLayers());
      writeManifestAndConfig(writer, image);
      writer.beginLayer(
          image.layers().get(0), image.diffIds().get(0), newTar.length, new LayerEncoding.Plain());
      writer.literal(Tars.header("a", changed.length, 9), 0, Tars.BLOCK);
      try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
        writer.zstdPatch(entry, changed.length, ctx.loadDict(archiveEntry).compress(changed));
      }
      writer.literal(new byte[Tars.padding(changed.length)], 0, Tars.padding(changed.length));
      writer.literal(Tars.header("b", changed.length, 9), 0, Tars.BLOCK);
      writer.bsdiff(entry, prependingPatch(archiveEntry, changed));
      writer.literal(newTar, newTar.length - trailerLength(changed), trailerLength(changed));
      writer.endLayer();
      writer.finish();
    }
    AppliedImage applied = apply(out.toByteArray(), image.manifestDigest());

    assertThat(Files.readAllBytes(applied.blobs().get(2).file())).isEqualTo(newTar);
    assertThat(list(dir.resolve("scratch"))).isEmpty();
  }

  @Test
  void rejectsPayloadThatInflatesWithoutBound() throws IOException {
    byte[] newTar = Tars.of(Tars.files(), 9);
    TestImage image =
        TestImage.builder(new MemoryContent()).layer(newTar, Compression.NONE).build();
    InflatedRange entry =
        new InflatedRange(
            new SourceRange(0, contentOffset(2), archive.length), archiveEntry.length);
    long budget = ExpansionBudget.FACTOR * image.layers().get(0).size() + ExpansionBudget.ALLOWANCE;
    BsdiffPatch empty = new BsdiffPatch(List.of(), new byte[0], new byte[0]);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), sourceLayers());
      writeManifestAndConfig(writer, image);
      writer.beginLayer(
          image.layers().get(0), image.diffIds().get(0), newTar.length, new LayerEncoding.Plain());
      for (long record = 0; record <= budget / archiveEntry.length; record++) {
        writer.bsdiff(entry, empty);
      }
      writer.literal(newTar, 0, newTar.length);
      writer.endLayer();
      writer.finish();
    }

    assertRejectedWithMessage(out.toByteArray(), image.manifestDigest(), "expands");
  }

  private static int trailerLength(byte[] content) {
    return Tars.padding(content.length) + 2 * Tars.BLOCK;
  }

  private static void writeWholeLayer(
      PayloadWriter writer, TestImage image, int layer, LayerEncoding encoding) throws IOException {
    byte[] tar = image.tars().get(layer);
    writer.beginLayer(image.layers().get(layer), image.diffIds().get(layer), tar.length, encoding);
    writer.literal(tar, 0, tar.length);
    writer.endLayer();
  }

  private static byte[] compress(ZstdRecipe recipe, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream zstd = recipe.compressor(out)) {
      zstd.write(content);
    }
    return out.toByteArray();
  }

  @Test
  void appliesPayloadTheSignedManifestDescribes() throws IOException {
    Target target = target();
    DeltaManifest manifest =
        DeltaManifest.current(
            base.manifestDigest(),
            target.image.manifestDigest(),
            target.payload.length,
            Digest.of(target.payload));

    AppliedImage applied =
        new DeltaApplier(dir.resolve("scratch"))
            .apply(
                new ByteArrayInputStream(target.payload),
                content,
                manifest,
                dir.resolve("staging"));

    assertThat(applied.targetManifest()).isEqualTo(target.image.manifestDigest());
  }

  @Test
  void rejectsPayloadOtherThanSigned() throws IOException {
    Target target = target();
    DeltaManifest manifest =
        DeltaManifest.current(
            base.manifestDigest(),
            target.image.manifestDigest(),
            target.payload.length,
            Digest.of("another payload".getBytes()));

    assertSignedRejected(target.payload, manifest, DeltaFailure.BAD_SIGNATURE);
  }

  @Test
  void rejectsPayloadLongerThanSigned() throws IOException {
    Target target = target();
    DeltaManifest manifest =
        DeltaManifest.current(
            base.manifestDigest(),
            target.image.manifestDigest(),
            target.payload.length,
            Digest.of(target.payload));
    byte[] longer = Arrays.copyOf(target.payload, target.payload.length + 1);

    assertSignedRejected(longer, manifest, DeltaFailure.BAD_SIGNATURE);
  }

  @Test
  void rejectsManifestOfNewerFormat() throws IOException {
    Target target = target();
    DeltaManifest manifest =
        new DeltaManifest(
            base.manifestDigest(),
            target.image.manifestDigest(),
            2,
            target.payload.length,
            Digest.of(target.payload));

    assertSignedRejected(target.payload, manifest, DeltaFailure.UNSUPPORTED_FORMAT);
  }

  private void assertSignedRejected(byte[] payload, DeltaManifest manifest, DeltaFailure failure)
      throws IOException {
    Path staging = dir.resolve("staging");

    assertThatThrownBy(
            () ->
                new DeltaApplier(dir.resolve("scratch"))
                    .apply(new ByteArrayInputStream(payload), content, manifest, staging))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).as(e.getMessage()).isEqualTo(failure));
    assertThat(list(staging)).isEmpty();
  }

  @Test
  void rejectsPayloadForAnotherBase() throws IOException {
    Target target = target();
    TestImage other =
        TestImage.builder(content).label("other").layer(sharedTar, Compression.NONE).build();

    assertRejected(
        target.payload,
        other.manifestDigest(),
        target.image.manifestDigest(),
        DeltaFailure.WRONG_SOURCE);
  }

  @Test
  void rejectsPayloadForAnotherTarget() throws IOException {
    Target target = target();

    assertRejected(
        target.payload,
        base.manifestDigest(),
        base.layers().get(0).digest(),
        DeltaFailure.DIGEST_MISMATCH);
  }

  @Test
  void rejectsManifestBlobOtherThanHeaderTarget() throws IOException {
    Target target = target();
    TestImage other =
        TestImage.builder(new MemoryContent())
            .label("other")
            .layer(sharedTar, Compression.NONE)
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), target.image.manifestDigest(), List.of());
      writeManifestAndConfig(writer, other);
      writer.finish();
    }

    assertRejected(
        out.toByteArray(),
        base.manifestDigest(),
        target.image.manifestDigest(),
        DeltaFailure.DIGEST_MISMATCH);
  }

  @Test
  void rejectsReferencePastBaseLayerEnd() throws IOException {
    byte[] baseTar = base.tars().get(0);
    byte[] newTar = Tars.of(Map.of("etc/demo.conf", text), 9);
    TestImage image =
        TestImage.builder(new MemoryContent()).layer(newTar, Compression.NONE).build();
    // The header claims a longer base layer, so the writer accepts a copy past its real end.
    SourceLayer longer =
        new SourceLayer(
            base.layers().get(0).digest(), base.diffIds().get(0), baseTar.length + 100L);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), List.of(longer));
      writeManifestAndConfig(writer, image);
      writer.beginLayer(
          image.layers().get(0), image.diffIds().get(0), newTar.length, new LayerEncoding.Plain());
      writer.literal(newTar, 0, newTar.length - 50);
      writer.copy(new SourceRange(0, baseTar.length + 10L, 50));
      writer.endLayer();
      writer.finish();
    }

    assertRejected(
        out.toByteArray(),
        base.manifestDigest(),
        image.manifestDigest(),
        DeltaFailure.WRONG_SOURCE);
  }

  @Test
  void rejectsPlainLayerLargerThanItsBlob() throws IOException {
    byte[] baseTar = base.tars().get(0);
    byte[] newTar = Tars.of(Map.of("etc/demo.conf", text), 9);
    TestImage image =
        TestImage.builder(new MemoryContent()).layer(newTar, Compression.NONE).build();
    int copies = 100;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), sourceLayers());
      writeManifestAndConfig(writer, image);
      // Each copy record of a few bytes would write the whole base tar again.
      writer.beginLayer(
          image.layers().get(0),
          image.diffIds().get(0),
          (long) baseTar.length * copies,
          new LayerEncoding.Plain());
      for (int i = 0; i < copies; i++) {
        writer.copy(new SourceRange(0, 0, baseTar.length));
      }
      writer.endLayer();
      writer.finish();
    }

    assertRejectedWithMessage(
        out.toByteArray(),
        image.manifestDigest(),
        "but the manifest lists " + image.layers().get(0).size());
  }

  @Test
  void rejectsGzipLayerCompressingPastItsBlob() throws IOException {
    byte[] newTar = Tars.of(Map.of("usr/lib/libdemo.so", library), 7);
    MemoryContent targetContent = new MemoryContent();
    TestImage image = TestImage.builder(targetContent).layer(newTar, Compression.GZIP).build();
    Path gzipBlob = dir.resolve("layer.gz");
    Files.write(gzipBlob, targetContent.get(image.layers().get(0).digest()));
    GzipRecipe recipe = GzipReproducer.find(gzipBlob).orElseThrow();
    byte[] noise = randomBytes(4 * newTar.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), List.of());
      writeManifestAndConfig(writer, image);
      writer.beginLayer(
          image.layers().get(0),
          image.diffIds().get(0),
          noise.length,
          new LayerEncoding.Gzip(recipe));
      writer.literal(noise, 0, noise.length);
      writer.endLayer();
      writer.finish();
    }

    assertRejectedWithMessage(
        out.toByteArray(), image.manifestDigest(), "compress to more than the");
  }

  @Test
  void errorWhileApplyingLeavesNothingStaged() throws IOException {
    Target target = target();
    Digest baseLayer = base.layers().get(0).digest();
    ImageContent failing =
        digest -> {
          if (digest.equals(baseLayer)) {
            throw new OutOfMemoryError("simulated while reading the base layer");
          }
          return content.open(digest);
        };
    Path staging = dir.resolve("staging");

    assertThatThrownBy(
            () ->
                new DeltaApplier(dir.resolve("scratch"))
                    .apply(
                        new ByteArrayInputStream(target.payload),
                        failing,
                        base.manifestDigest(),
                        target.image.manifestDigest(),
                        staging))
        .isInstanceOf(OutOfMemoryError.class);
    assertThat(staging).isEmptyDirectory();
  }

  @Test
  void rejectsBaseWhoseLayerIsDamaged() throws IOException {
    Target target = target();
    byte[] damaged = base.tars().get(0).clone();
    damaged[700] ^= 1;
    content.putUnchecked(base.layers().get(0).digest(), damaged);

    assertRejected(
        target.payload,
        base.manifestDigest(),
        target.image.manifestDigest(),
        DeltaFailure.WRONG_SOURCE);
  }

  @Test
  void skipsListedLayerThatNoOperationReads() throws IOException {
    byte[] newTar = Tars.of(Map.of("usr/share/notes.txt", notes), 9);
    TestImage image =
        TestImage.builder(new MemoryContent()).layer(newTar, Compression.NONE).build();
    List<SourceLayer> both =
        List.of(
            sourceLayers().get(0),
            new SourceLayer(
                base.layers().get(1).digest(), base.diffIds().get(1), sharedTar.length));
    content.remove(base.layers().get(1).digest());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), both);
      writeManifestAndConfig(writer, image);
      writer.beginLayer(
          image.layers().get(0), image.diffIds().get(0), newTar.length, new LayerEncoding.Plain());
      writer.literal(newTar, 0, Tars.BLOCK);
      writer.copy(new SourceRange(0, contentOffset(3), notes.length));
      writer.literal(newTar, Tars.BLOCK + notes.length, newTar.length - Tars.BLOCK - notes.length);
      writer.endLayer();
      writer.finish();
    }

    AppliedImage applied = apply(out.toByteArray(), image.manifestDigest());

    assertThat(Files.readAllBytes(applied.blobs().get(2).file())).isEqualTo(newTar);
  }

  @Test
  void rejectsBaseLackingReusedLayer() throws IOException {
    Target target = target();
    content.remove(base.layers().get(1).digest());

    assertRejected(
        target.payload,
        base.manifestDigest(),
        target.image.manifestDigest(),
        DeltaFailure.WRONG_SOURCE);
  }

  @Test
  void rejectsPayloadTruncatedAnywhere() throws IOException {
    Target target = target();
    int length = target.payload.length;

    for (int cut : new int[] {0, 5, 12, 13, 40, length / 3, length / 2, length - 20, length - 1}) {
      byte[] truncated = Arrays.copyOf(target.payload, cut);
      assertRejected(
          truncated,
          base.manifestDigest(),
          target.image.manifestDigest(),
          DeltaFailure.TRUNCATED_PAYLOAD);
    }
  }

  @Test
  void rejectsPayloadWithAnyCorruptedByte() throws IOException {
    Target target = target();

    for (int at = 12; at < target.payload.length; at += 97) {
      byte[] corrupted = target.payload.clone();
      corrupted[at] ^= 0x5a;
      assertRejectedAnyReason(corrupted, target.image.manifestDigest());
    }
  }

  @Test
  void rejectsPayloadWithBadMagic() throws IOException {
    Target target = target();
    byte[] corrupted = target.payload.clone();
    corrupted[1] = 'X';

    assertRejected(
        corrupted,
        base.manifestDigest(),
        target.image.manifestDigest(),
        DeltaFailure.UNSUPPORTED_FORMAT);
  }

  @Test
  void rejectsPayloadWithNewerVersion() throws IOException {
    Target target = target();
    byte[] newer = target.payload.clone();
    newer[11] = 2;

    assertRejected(
        newer,
        base.manifestDigest(),
        target.image.manifestDigest(),
        DeltaFailure.UNSUPPORTED_FORMAT);
  }

  @Test
  void rejectsOperationsThatRebuildOtherContent() throws IOException {
    Map<String, byte[]> files = Tars.files();
    files.put("etc/demo.conf", text);
    byte[] newTar = Tars.of(files, 9);
    TestImage image =
        TestImage.builder(new MemoryContent()).layer(newTar, Compression.NONE).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), sourceLayers());
      writeManifestAndConfig(writer, image);
      writer.beginLayer(
          image.layers().get(0), image.diffIds().get(0), newTar.length, new LayerEncoding.Plain());
      writer.literal(newTar, 0, Tars.BLOCK);
      // The right length of the wrong bytes: the library instead of the configuration file.
      writer.copy(new SourceRange(0, contentOffset(0), text.length));
      writer.literal(newTar, Tars.BLOCK + text.length, newTar.length - Tars.BLOCK - text.length);
      writer.endLayer();
      writer.finish();
    }

    assertRejected(
        out.toByteArray(),
        base.manifestDigest(),
        image.manifestDigest(),
        DeltaFailure.DIGEST_MISMATCH);
  }

  private void assertRejected(byte[] payload, Digest source, Digest target, DeltaFailure failure)
      throws IOException {
    Map<Digest, byte[]> before = content.snapshot();
    Path staging = dir.resolve("staging");

    assertThatThrownBy(
            () ->
                new DeltaApplier(dir.resolve("scratch"))
                    .apply(new ByteArrayInputStream(payload), content, source, target, staging))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).as(e.getMessage()).isEqualTo(failure));
    assertThat(content.snapshot()).isEqualTo(before);
    assertThat(list(staging)).isEmpty();
    assertThat(list(dir.resolve("scratch"))).isEmpty();
  }

  private void assertRejectedWithMessage(byte[] payload, Digest target, String message)
      throws IOException {
    Path staging = dir.resolve("staging");

    assertThatThrownBy(() -> apply(payload, target))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).isEqualTo(DeltaFailure.CORRUPT_PAYLOAD))
        .hasMessageContaining(message);
    assertThat(list(staging)).isEmpty();
  }

  private void assertRejectedAnyReason(byte[] payload, Digest target) throws IOException {
    Path staging = dir.resolve("staging");

    assertThatThrownBy(
            () ->
                new DeltaApplier(dir.resolve("scratch"))
                    .apply(
                        new ByteArrayInputStream(payload),
                        content,
                        base.manifestDigest(),
                        target,
                        staging))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> {
              assertThat(e.failure()).as(e.getMessage()).isNotEqualTo(DeltaFailure.IO);
            });
    assertThat(list(staging)).isEmpty();
  }

  private static List<Path> list(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  private AppliedImage apply(byte[] payload, Digest target) {
    return new DeltaApplier(dir.resolve("scratch"))
        .apply(
            new ByteArrayInputStream(payload),
            content,
            base.manifestDigest(),
            target,
            dir.resolve("staging"));
  }

  /** A target image and the payload that makes it from the base. */
  private record Target(TestImage image, byte[] payload) {}

  /**
   * Makes a target whose first layer is the base's gzip layer, whose second is rebuilt with each
   * content operation, and whose third is carried whole.
   */
  private Target target() throws IOException {
    byte[] newLibrary = library.clone();
    for (int i = 1000; i < newLibrary.length; i += 20_000) {
      newLibrary[i] ^= 0x11;
    }
    byte[] newText = ("prefix\n" + new String(text)).getBytes();
    byte[] newArchiveEntry = archiveEntry;
    byte[] newArchive = deflate(newArchiveEntry, 6);
    byte[] fresh = "a new file\n".getBytes();

    byte[][] contents = {notes, newLibrary, newText, newArchive, archiveEntry, fresh};
    String[] names = {
      "usr/share/notes.txt",
      "usr/lib/libdemo.so",
      "etc/demo.conf",
      "app/entry.deflate",
      "app/entry.class",
      "etc/fresh"
    };
    Map<String, byte[]> files = Tars.files();
    for (int i = 0; i < names.length; i++) {
      files.put(names[i], contents[i]);
    }
    byte[] newTar = Tars.of(files, 1_800_000_000L);
    byte[] wholeTar = Tars.of(Map.of("srv/whole", randomBytes(5000)), 3);

    MemoryContent targetContent = new MemoryContent();
    TestImage image =
        TestImage.builder(targetContent)
            .label("target")
            .layer(sharedTar, Compression.GZIP)
            .layer(newTar, Compression.NONE)
            .layer(wholeTar, Compression.GZIP)
            .build();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 19)) {
      writer.header(base.manifestDigest(), image.manifestDigest(), sourceLayers());
      writeManifestAndConfig(writer, image);
      writer.reuse(image.layers().get(0));

      writer.beginLayer(
          image.layers().get(1), image.diffIds().get(1), newTar.length, new LayerEncoding.Plain());
      for (int i = 0; i < names.length; i++) {
        writer.literal(Tars.header(names[i], contents[i].length, 1_800_000_000L), 0, Tars.BLOCK);
        switch (i) {
          case 0 -> writer.copy(new SourceRange(0, contentOffset(3), notes.length));
          case 1 ->
              writeZstdPatch(
                  writer, new SourceRange(0, contentOffset(0), library.length), newLibrary);
          case 2 -> writeBsdiff(writer, new SourceRange(0, contentOffset(1), text.length), newText);
          case 3 -> writeDeflated(writer, newArchiveEntry, newArchive);
          case 4 ->
              writer.copy(
                  new InflatedRange(
                      new SourceRange(0, contentOffset(2), archive.length), archiveEntry.length));
          default -> writer.literal(fresh, 0, fresh.length);
        }
        writer.literal(
            new byte[Tars.padding(contents[i].length)], 0, Tars.padding(contents[i].length));
      }
      writer.literal(new byte[2 * Tars.BLOCK], 0, 2 * Tars.BLOCK);
      writer.endLayer();

      writer.blob(image.layers().get(2), targetContent.open(image.layers().get(2).digest()));
      writer.finish();
    }
    return new Target(image, out.toByteArray());
  }

  private void writeZstdPatch(PayloadWriter writer, SourceRange reference, byte[] target)
      throws IOException {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(19);
      ctx.loadDict(library);
      writer.zstdPatch(reference, target.length, ctx.compress(target));
    }
  }

  private void writeBsdiff(PayloadWriter writer, SourceRange reference, byte[] target)
      throws IOException {
    writer.bsdiff(reference, prependingPatch(text, target));
  }

  /**
   * Returns a patch for a {@code target} that is {@code reference} with bytes prepended and some
   * changed: one insert, then one add of the whole reference.
   */
  private static BsdiffPatch prependingPatch(byte[] reference, byte[] target) {
    int inserted = target.length - reference.length;
    byte[] extra = Arrays.copyOf(target, inserted);
    byte[] diff = new byte[reference.length];
    for (int i = 0; i < diff.length; i++) {
      diff[i] = (byte) (target[inserted + i] - reference[i]);
    }
    List<BsdiffPatch.Control> controls =
        List.of(
            new BsdiffPatch.Control(0, inserted, 0),
            new BsdiffPatch.Control(reference.length, 0, 0));
    return new BsdiffPatch(controls, diff, extra);
  }

  private void writeDeflated(PayloadWriter writer, byte[] inflated, byte[] deflated)
      throws IOException {
    CRC32 crc = new CRC32();
    crc.update(inflated);
    writer.beginDeflate(new DeflateRecipe(6, Deflater.DEFAULT_STRATEGY));
    writer.copy(
        new InflatedRange(
            new SourceRange(0, contentOffset(2), archive.length), archiveEntry.length));
    writer.endDeflate(deflated.length, crc.getValue());
  }

  private static void writeManifestAndConfig(PayloadWriter writer, TestImage image)
      throws IOException {
    writer.blob(image.manifestDescriptor(), new ByteArrayInputStream(image.manifest()));
    writer.blob(image.config(), new ByteArrayInputStream(image.configBytes()));
  }

  private List<SourceLayer> sourceLayers() {
    byte[] tar = base.tars().get(0);
    return List.of(
        new SourceLayer(base.layers().get(0).digest(), base.diffIds().get(0), tar.length));
  }

  /** Returns where the content of the base tar's entry {@code index} starts. */
  private long contentOffset(int index) {
    long[] sizes = {library.length, text.length, archive.length, notes.length};
    long offset = 0;
    for (int i = 0; i < index; i++) {
      offset += Tars.BLOCK + sizes[i] + Tars.padding(sizes[i]);
    }
    return offset + Tars.BLOCK;
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] deflate(byte[] content, int level) {
    Deflater deflater = new DeflateRecipe(level, Deflater.DEFAULT_STRATEGY).newDeflater();
    deflater.setInput(content);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }
}
