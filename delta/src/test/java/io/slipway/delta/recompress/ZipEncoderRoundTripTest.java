package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.delta.apply.AppliedBlob;
import io.slipway.delta.apply.AppliedImage;
import io.slipway.delta.apply.DeltaApplier;
import io.slipway.delta.fixtures.MemoryContent;
import io.slipway.delta.fixtures.Tars;
import io.slipway.delta.fixtures.TestImage;
import io.slipway.delta.format.LayerEncoding;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceLayer;
import io.slipway.delta.format.SourceRange;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Descriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipEncoderRoundTripTest {

  private static final long MTIME = 1_700_000_000L;

  @TempDir Path directory;

  private final MemoryContent baseContent = new MemoryContent();
  private final MemoryContent targetContent = new MemoryContent();

  @Test
  void realJarLayerRebuildsExactGzipBlob() throws IOException {
    Map<String, byte[]> oldFiles = jars(TestJars.oldJars());
    Map<String, byte[]> newFiles = jars(TestJars.newJars());
    byte[] oldTar = Tars.of(oldFiles, MTIME);
    byte[] newTar = Tars.of(newFiles, MTIME);
    TestImage base = TestImage.builder(baseContent).layer(oldTar, Compression.NONE).build();
    TestImage target =
        TestImage.builder(targetContent).label("new").layer(newTar, Compression.GZIP).build();
    GzipRecipe recipe = GzipReproducer.find(blobFile(target.layers().get(0))).orElseThrow();
    PatchingContentEncoder encoder = new PatchingContentEncoder();

    byte[] payload =
        payload(
            base,
            target,
            new LayerEncoding.Gzip(recipe),
            writer -> {
              List<String> oldNames = new ArrayList<>(oldFiles.keySet());
              for (Map.Entry<String, byte[]> file : newFiles.entrySet()) {
                String oldName = counterpart(oldNames, file.getKey());
                writer.literal(
                    Tars.header(file.getKey(), file.getValue().length, MTIME), 0, Tars.BLOCK);
                SourceRange oldJar =
                    new SourceRange(
                        0, contentOffset(oldFiles, oldName), oldFiles.get(oldName).length);
                assertThat(
                        ZipEncoder.encode(
                            oldJar, oldFiles.get(oldName), file.getValue(), encoder, writer))
                    .as(file.getKey())
                    .isTrue();
                writePadding(writer, file.getValue().length);
              }
              writer.literal(new byte[2 * Tars.BLOCK], 0, 2 * Tars.BLOCK);
            });
    AppliedImage applied = apply(payload, base, target);

    AppliedBlob layer = applied.blobs().get(2);
    assertThat(layer.kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    assertThat(Files.readAllBytes(layer.file()))
        .isEqualTo(targetContent.get(target.layers().get(0).digest()));
    System.out.printf(
        "jar layer: payload %d bytes for a %d-byte tar (%.2f%%); %d copies, %d patches, %d"
            + " literals%n",
        payload.length,
        newTar.length,
        100.0 * payload.length / newTar.length,
        encoder.copies,
        encoder.patches,
        encoder.literals);
  }

  @Test
  void springBootJarWithNestedJarsRebuildsExactly() throws IOException {
    byte[] newJar = fatJar(TestJars.newJars(), "main v2");

    SingleJar result = applySingleJar(fatJar(TestJars.oldJars(), "main v1"), newJar);

    assertThat(result.applied().blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    // Patching the nested jars' compressed bytes as a whole would cost well over a tenth.
    assertThat(result.payload().length).isLessThan(newJar.length / 10);
    System.out.printf(
        "fat jar: payload %d bytes for a %d-byte jar (%.2f%%)%n",
        result.payload().length, newJar.length, 100.0 * result.payload().length / newJar.length);
  }

  @Test
  void entriesThatSwitchMethodRebuildExactly() throws IOException {
    String[] entries = {"a.class", "class a ".repeat(300), "b.txt", "text b ".repeat(200)};
    byte[] deflatedJar = ZipPlannerTest.zip(6, entries);
    entries[1] = entries[1] + "changed";
    entries[3] = entries[3] + "changed";
    byte[] storedJar = storedZip(entries);

    SingleJar toStored = applySingleJar(deflatedJar, storedJar);
    SingleJar toDeflated = applySingleJar(storedJar, ZipPlannerTest.zip(6, entries));

    assertThat(toStored.applied().blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    assertThat(toDeflated.applied().blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
  }

  @Test
  void addedJarCostsLessInflatedThanAsItIs() throws IOException {
    byte[] unrelated = ZipPlannerTest.zip(6, "a.txt", "unrelated");
    byte[] newJar = Files.readAllBytes(TestJars.newJars().get(0));
    PatchingContentEncoder encoder = new PatchingContentEncoder();

    SingleJar inflated =
        applySingleJar(
            unrelated, newJar, (writer, old) -> ZipEncoder.encodeLiteral(newJar, encoder, writer));
    SingleJar asItIs =
        applySingleJar(
            unrelated,
            newJar,
            (writer, old) -> {
              writer.literal(newJar, 0, newJar.length);
              return true;
            });

    assertThat(inflated.applied().blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    assertThat(inflated.payload().length).isLessThan(asItIs.payload().length * 3 / 4);
  }

  @Test
  void addedSpringBootJarEncodesNestedJarsInflated() throws IOException {
    byte[] unrelated = ZipPlannerTest.zip(6, "a.txt", "unrelated");
    // One small library keeps the payload's level-19 compression of the inflated classes short.
    List<Path> library =
        TestJars.newJars().stream().filter(jar -> jar.toString().contains("netty")).toList();
    byte[] newJar = fatJar(library, "main");

    SingleJar result =
        applySingleJar(
            unrelated,
            newJar,
            (writer, old) ->
                ZipEncoder.encodeLiteral(newJar, new PatchingContentEncoder(), writer));

    assertThat(result.applied().blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    // The nested jars' entries are sent inflated, so the payload's zstd gets below the jar's size.
    assertThat(result.payload().length).isLessThan(newJar.length * 3 / 4);
  }

  @Test
  void encodeLiteralRejectsFileThatIsNotZip() throws IOException {
    byte[] notZip = "PK\u0003\u0004 but no archive follows".getBytes(StandardCharsets.ISO_8859_1);

    SingleJar result =
        applySingleJar(
            ZipPlannerTest.zip(6, "a.txt", "unrelated"),
            notZip,
            (writer, old) -> {
              boolean encoded =
                  ZipEncoder.encodeLiteral(notZip, new PatchingContentEncoder(), writer);
              // The layer stays exact only if the encoder wrote nothing before returning false.
              writer.literal(notZip, 0, notZip.length);
              return !encoded;
            });

    assertThat(result.applied().blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
  }

  @Test
  void zstdLayerRebuildsExactBlob() throws IOException {
    byte[] oldTar = Tars.of(Map.of("etc/a.conf", "a = 1\n".repeat(40_000).getBytes()), MTIME);
    byte[] newTar = Tars.of(Map.of("etc/a.conf", "a = 2\n".repeat(40_000).getBytes()), MTIME);
    TestImage base = TestImage.builder(baseContent).layer(oldTar, Compression.NONE).build();
    byte[] blob = zstd(newTar, new ZstdRecipe(7, true));
    TestImage target =
        TestImage.builder(targetContent)
            .label("new")
            .layer(newTar, blob, TestImage.TAR_ZSTD)
            .build();
    ZstdRecipe recipe = ZstdReproducer.find(blobFile(target.layers().get(0))).orElseThrow();

    byte[] payload =
        payload(
            base,
            target,
            new LayerEncoding.Zstd(recipe),
            writer -> {
              writer.literal(newTar, 0, newTar.length);
            });
    AppliedImage applied = apply(payload, base, target);

    assertThat(applied.blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
    assertThat(Files.readAllBytes(applied.blobs().get(2).file())).isEqualTo(blob);
  }

  @Test
  void fileThatIsNotZipWritesNothing() throws IOException {
    byte[] oldFile = "old text, not an archive".getBytes(StandardCharsets.US_ASCII);
    byte[] newFile = "new text, not an archive".getBytes(StandardCharsets.US_ASCII);
    byte[] oldTar = Tars.of(Map.of("etc/file", oldFile), MTIME);
    byte[] newTar = Tars.of(Map.of("etc/file", newFile), MTIME);
    TestImage base = plainImage(baseContent, "old", oldTar);
    TestImage target = plainImage(targetContent, "new", newTar);
    boolean[] encoded = new boolean[1];

    byte[] payload =
        payload(
            base,
            target,
            new LayerEncoding.Plain(),
            writer -> {
              SourceRange old = new SourceRange(0, Tars.BLOCK, oldFile.length);
              encoded[0] =
                  ZipEncoder.encode(old, oldFile, newFile, new PatchingContentEncoder(), writer);
              // The layer stays exact only if the encoder wrote nothing before returning false.
              writer.literal(newTar, 0, newTar.length);
            });
    AppliedImage applied = apply(payload, base, target);

    assertThat(encoded[0]).isFalse();
    assertThat(applied.blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
  }

  @Test
  void addedJarWithoutOldVersionRebuildsExactly() throws IOException {
    byte[] oldJar = ZipPlannerTest.zip(6, "a.txt", "unrelated");
    byte[] newJar = Files.readAllBytes(TestJars.newJars().get(0));

    SingleJar result = applySingleJar(oldJar, newJar);

    assertThat(result.applied().blobs().get(2).kind()).isEqualTo(AppliedBlob.Kind.LAYER_EXACT);
  }

  /** A payload that turns one jar into another in a one-file layer, and what applying made. */
  private record SingleJar(byte[] payload, AppliedImage applied) {}

  /** Encodes a layer holding only {@code app.jar} with the zip encoder, then applies it. */
  private SingleJar applySingleJar(byte[] oldJar, byte[] newJar) throws IOException {
    return applySingleJar(
        oldJar,
        newJar,
        (writer, old) ->
            ZipEncoder.encode(old, oldJar, newJar, new PatchingContentEncoder(), writer));
  }

  /** Writes the new jar's content operations; {@code old} is where the old jar lies. */
  private interface JarEncoding {
    boolean write(PayloadWriter writer, SourceRange old) throws IOException;
  }

  private SingleJar applySingleJar(byte[] oldJar, byte[] newJar, JarEncoding encoding)
      throws IOException {
    byte[] oldTar = Tars.of(Map.of("app.jar", oldJar), MTIME);
    byte[] newTar = Tars.of(Map.of("app.jar", newJar), MTIME);
    TestImage base = plainImage(baseContent, "old", oldTar);
    TestImage target = plainImage(targetContent, "new", newTar);

    byte[] payload =
        payload(
            base,
            target,
            new LayerEncoding.Plain(),
            writer -> {
              writer.literal(newTar, 0, Tars.BLOCK);
              SourceRange old = new SourceRange(0, Tars.BLOCK, oldJar.length);
              assertThat(encoding.write(writer, old)).isTrue();
              int end = Tars.BLOCK + newJar.length;
              writer.literal(newTar, end, newTar.length - end);
            });
    return new SingleJar(payload, apply(payload, base, target));
  }

  /** Writes the content operations of the target's single layer, its end blocks included. */
  private interface LayerContent {
    void write(PayloadWriter writer) throws IOException;
  }

  private byte[] payload(
      TestImage base, TestImage target, LayerEncoding encoding, LayerContent layer)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] baseTar = base.tars().get(0);
    try (PayloadWriter writer = new PayloadWriter(out, 19)) {
      writer.header(
          base.manifestDigest(),
          target.manifestDigest(),
          List.of(
              new SourceLayer(
                  base.layers().get(0).digest(), base.diffIds().get(0), baseTar.length)));
      writer.blob(target.manifestDescriptor(), new ByteArrayInputStream(target.manifest()));
      writer.blob(target.config(), new ByteArrayInputStream(target.configBytes()));
      byte[] newTar = target.tars().get(0);
      writer.beginLayer(target.layers().get(0), target.diffIds().get(0), newTar.length, encoding);
      layer.write(writer);
      writer.endLayer();
      writer.finish();
    }
    return out.toByteArray();
  }

  private static TestImage plainImage(MemoryContent content, String label, byte[] tar) {
    return TestImage.builder(content).label(label).layer(tar, Compression.NONE).build();
  }

  private AppliedImage apply(byte[] payload, TestImage base, TestImage target) {
    return new DeltaApplier(directory.resolve("scratch"))
        .apply(
            new ByteArrayInputStream(payload),
            baseContent,
            base.manifestDigest(),
            target.manifestDigest(),
            directory.resolve("staging"));
  }

  private Path blobFile(Descriptor layer) throws IOException {
    return Files.write(directory.resolve(layer.digest().hex()), targetContent.get(layer.digest()));
  }

  /** Returns a zip of stored entries from names and contents in turn. */
  private static byte[] storedZip(String... namesAndContents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        writeStored(
            zip, namesAndContents[i], namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toByteArray();
  }

  private static void writeStored(ZipOutputStream zip, String name, byte[] content)
      throws IOException {
    CRC32 crc = new CRC32();
    crc.update(content);
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }

  /** Returns a jar laid out as Spring Boot does: classes deflated, libraries stored. */
  private static byte[] fatJar(List<Path> libraries, String main) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream jar = new ZipOutputStream(bytes)) {
      jar.putNextEntry(new ZipEntry("BOOT-INF/classes/app/Main.class"));
      jar.write(main.repeat(100).getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
      for (Path library : libraries) {
        writeStored(jar, "BOOT-INF/lib/" + library.getFileName(), Files.readAllBytes(library));
      }
    }
    return bytes.toByteArray();
  }

  private static Map<String, byte[]> jars(List<Path> jars) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Path jar : jars) {
      files.put("app/lib/" + jar.getFileName(), Files.readAllBytes(jar));
    }
    return files;
  }

  private static String counterpart(List<String> oldNames, String newName) {
    String artifact = newName.replaceFirst("-\\d.*$", "");
    return oldNames.stream()
        .filter(name -> name.replaceFirst("-\\d.*$", "").equals(artifact))
        .findFirst()
        .orElseThrow();
  }

  private static long contentOffset(Map<String, byte[]> files, String name) {
    long offset = 0;
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      offset += Tars.BLOCK;
      if (file.getKey().equals(name)) {
        return offset;
      }
      offset += file.getValue().length + Tars.padding(file.getValue().length);
    }
    throw new IllegalArgumentException(name + " is not in the tar");
  }

  private static void writePadding(PayloadWriter writer, long size) throws IOException {
    int padding = Tars.padding(size);
    writer.literal(new byte[padding], 0, padding);
  }

  private static byte[] zstd(byte[] content, ZstdRecipe recipe) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressor = recipe.compressor(out)) {
      compressor.write(content);
    }
    return out.toByteArray();
  }
}
