package io.slipway.delta.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
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
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.image.Layer;
import io.slipway.testing.tool.OciTools;
import io.slipway.testing.tool.RequiredTool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OciLayoutTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  private final MemoryContent content = new MemoryContent();
  private TestImage base;
  private OciLayout layout;

  @BeforeEach
  void writeBase() {
    Map<String, byte[]> files = Tars.files();
    files.put("etc/os-release", "NAME=demo\nVERSION=1\n".getBytes(StandardCharsets.UTF_8));
    files.put("usr/bin/tool", "tool version 1\n".repeat(400).getBytes(StandardCharsets.UTF_8));
    base =
        TestImage.builder(content)
            .label("base")
            .layer(Tars.of(files, 1_700_000_000L), Compression.NONE)
            .layer(Tars.of(Map.of("opt/app.jar", new byte[3000]), 1), Compression.GZIP)
            .build();
    layout = OciLayout.create(dir.resolve("layout"));
    layout.writeImage(content, ImageReader.read(content, base.manifestDigest()), "base");
  }

  @Test
  void createWritesMarkerAndEmptyIndex() throws IOException {
    Path fresh = OciLayout.create(dir.resolve("fresh")).dir();

    assertThat(
            JSON.readTree(Files.readAllBytes(fresh.resolve("oci-layout")))
                .path("imageLayoutVersion")
                .asString())
        .isEqualTo("1.0.0");
    assertThat(
            JSON.readTree(Files.readAllBytes(fresh.resolve("index.json"))).path("manifests").size())
        .isZero();
    assertThat(fresh.resolve("blobs/sha256")).isDirectory();
  }

  @Test
  void createKeepsExistingImages() {
    OciLayout reopened = OciLayout.create(layout.dir());

    assertThat(reopened.resolve("base")).isEqualTo(base.manifestDigest());
  }

  @Test
  void writeImageStoresEveryBlob() throws IOException {
    Image read = ImageReader.read(layout, layout.resolve("base"));

    assertThat(read.manifestDigest()).isEqualTo(base.manifestDigest());
    for (Layer layer : read.layers()) {
      assertThat(Digest.of(Files.readAllBytes(layout.blobPath(layer.blob().digest()))))
          .isEqualTo(layer.blob().digest());
    }
  }

  @Test
  void writeImageRejectsDamagedBlob() {
    MemoryContent damaged = new MemoryContent();
    TestImage image =
        TestImage.builder(damaged)
            .layer(Tars.of(Map.of("a", new byte[10]), 1), Compression.NONE)
            .build();
    Digest layer = image.layers().get(0).digest();
    damaged.putUnchecked(layer, new byte[2048]);

    assertThatThrownBy(
            () ->
                layout.writeImage(damaged, ImageReader.read(damaged, image.manifestDigest()), "x"))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).isEqualTo(DeltaFailure.DIGEST_MISMATCH));
    assertThat(layout.contains(layer)).isFalse();
  }

  @Test
  void namingAgainReplacesEntry() throws IOException {
    TestImage other =
        TestImage.builder(content)
            .label("other")
            .layer(base.tars().get(0), Compression.NONE)
            .build();

    layout.writeImage(content, ImageReader.read(content, other.manifestDigest()), "base");

    assertThat(layout.resolve("base")).isEqualTo(other.manifestDigest());
    JsonNode index = JSON.readTree(Files.readAllBytes(layout.dir().resolve("index.json")));
    assertThat(index.path("manifests").size()).isEqualTo(1);
  }

  @Test
  void resolveWithoutNameReturnsOnlyImage() {
    assertThat(layout.resolve(null)).isEqualTo(base.manifestDigest());
  }

  @Test
  void resolveRejectsUnknownName() {
    assertThatThrownBy(() -> layout.resolve("missing"))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).isEqualTo(DeltaFailure.INVALID_IMAGE));
  }

  @Test
  void rejectsBlankName() {
    assertThatThrownBy(
            () -> layout.writeImage(content, ImageReader.read(content, base.manifestDigest()), " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addImageKeepsExactManifest() throws IOException {
    TestImage target = target(false);

    Digest named = layout.addImage(applyTarget(target, false), layout, "target");

    assertThat(named).isEqualTo(target.manifestDigest());
    assertThat(layout.resolve("target")).isEqualTo(target.manifestDigest());
    assertThat(ImageReader.read(layout, named).layers()).hasSize(3);
    assertThat(list(dir.resolve("staging"))).isEmpty();
  }

  @Test
  void addImageListsUncompressedLayersInLocalManifest() throws IOException {
    TestImage target = target(true);

    Digest named = layout.addImage(applyTarget(target, true), layout, "target");

    assertThat(named).isNotEqualTo(target.manifestDigest());
    Image local = ImageReader.read(layout, named);
    JsonNode manifest = JSON.readTree(local.manifest());
    assertThat(manifest.path("annotations").path(OciLayout.SOURCE_MANIFEST).asString())
        .isEqualTo(target.manifestDigest().value());
    Layer uncompressed = local.layers().get(2);
    assertThat(uncompressed.blob().mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar");
    assertThat(uncompressed.blob().digest()).isEqualTo(uncompressed.diffId());
    assertThat(layout.contains(target.manifestDigest())).isTrue();
  }

  @Test
  void writeImageGivesDockerImageOciTypes() throws IOException {
    TestImage docker = dockerImage();

    Digest named =
        layout.writeImage(content, ImageReader.read(content, docker.manifestDigest()), "docker");

    assertThat(layout.resolve("docker")).isEqualTo(named);
    assertThat(layout.signedManifest(named)).isEqualTo(docker.manifestDigest());
    assertOciTyped(named, docker.manifestDigest());
    assertThat(layout.contains(docker.manifestDigest())).isTrue();
  }

  @Test
  void addImageGivesDockerTargetOciTypes() throws IOException {
    TestImage target = target(true, true);

    Digest named = layout.addImage(applyTarget(target, true), layout, "target");

    assertThat(layout.signedManifest(named)).isEqualTo(target.manifestDigest());
    assertOciTyped(named, target.manifestDigest());
    Layer uncompressed = ImageReader.read(layout, named).layers().get(2);
    assertThat(uncompressed.blob().mediaType()).isEqualTo(LocalManifest.OCI_TAR);
    assertThat(uncompressed.blob().digest()).isEqualTo(uncompressed.diffId());
  }

  @Test
  void ociToolsReadWrittenDockerImage() {
    TestImage docker = dockerImage();
    layout.writeImage(content, ImageReader.read(content, docker.manifestDigest()), "docker");
    Path bundle = dir.resolve("bundle");

    OciTools.assertReadable(layout.dir(), "docker", bundle);

    assertThat(bundle.resolve("rootfs/etc/motd")).hasContent("docker\n");
  }

  @Test
  void addImageLeavesBaseUntouched() throws IOException {
    Map<Path, byte[]> before = snapshot(layout.dir().resolve("blobs/sha256"));

    layout.addImage(applyTarget(target(true), true), layout, "target");

    Map<Path, byte[]> after = snapshot(layout.dir().resolve("blobs/sha256"));
    for (Map.Entry<Path, byte[]> blob : before.entrySet()) {
      assertThat(after.get(blob.getKey())).as(blob.getKey().toString()).isEqualTo(blob.getValue());
    }
    assertThat(layout.resolve("base")).isEqualTo(base.manifestDigest());
  }

  @Test
  void applyRejectsDamagedBaseLayerInPlace() throws IOException {
    Path layer = layout.blobPath(base.layers().get(0).digest());
    byte[] damaged = Files.readAllBytes(layer);
    damaged[600] ^= 1;
    Files.write(layer, damaged);
    TestImage target = target(false);

    assertThatThrownBy(() -> applyTarget(target, false))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).isEqualTo(DeltaFailure.WRONG_SOURCE));
    assertThat(Files.readAllBytes(layer)).isEqualTo(damaged);
    assertThat(list(dir.resolve("staging"))).isEmpty();
  }

  @Test
  void appliesNextDeltaToLayerKeptUncompressed() throws IOException {
    TestImage first = target(true);
    layout.addImage(applyTarget(first, true), layout, "target");
    byte[] motd = first.tars().get(2);
    byte[] copied = Tars.of(Map.of("etc/motd.copy", "hello\n".getBytes(StandardCharsets.UTF_8)), 6);
    TestImage next =
        TestImage.builder(content)
            .label("next")
            .layer(first.tars().get(2), Compression.GZIP)
            .layer(copied, Compression.NONE)
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 3)) {
      writer.header(
          first.manifestDigest(),
          next.manifestDigest(),
          List.of(
              new SourceLayer(
                  first.layers().get(2).digest(), first.diffIds().get(2), motd.length)));
      writer.blob(next.manifestDescriptor(), new ByteArrayInputStream(next.manifest()));
      writer.blob(next.config(), new ByteArrayInputStream(next.configBytes()));
      writer.reuse(next.layers().get(0));
      writer.beginLayer(
          next.layers().get(1), next.diffIds().get(1), copied.length, new LayerEncoding.Plain());
      writer.literal(copied, 0, Tars.BLOCK);
      writer.copy(new SourceRange(0, Tars.BLOCK, 6));
      writer.literal(copied, Tars.BLOCK + 6, copied.length - Tars.BLOCK - 6);
      writer.endLayer();
      writer.finish();
    }

    AppliedImage applied =
        new DeltaApplier(dir.resolve("scratch"))
            .apply(
                new ByteArrayInputStream(out.toByteArray()),
                layout,
                first.manifestDigest(),
                next.manifestDigest(),
                dir.resolve("staging"));
    Digest named = layout.addImage(applied, layout, "next");

    Image local = ImageReader.read(layout, named);
    assertThat(local.layers().get(0).blob().digest()).isEqualTo(first.diffIds().get(2));
    assertThat(layout.contains(local.layers().get(1).blob().digest())).isTrue();
  }

  @Test
  void skopeoCopiesWhatAddImageWrote() throws Exception {
    Path skopeo = RequiredTool.require("/usr/bin/skopeo", "skopeo");
    layout.addImage(applyTarget(target(true), true), layout, "target");
    Path copy = dir.resolve("copy");

    run(skopeo.toString(), "copy", "--quiet", "oci:" + layout.dir() + ":target", "dir:" + copy);

    assertThat(copy.resolve("manifest.json")).exists();
  }

  @Test
  void umociUnpacksWhatAddImageWrote() throws Exception {
    Path umoci = RequiredTool.require("/usr/bin/umoci", "umoci");
    layout.addImage(applyTarget(target(true), true), layout, "target");
    Path bundle = dir.resolve("bundle");

    run(
        umoci.toString(),
        "unpack",
        "--rootless",
        "--image",
        layout.dir() + ":target",
        bundle.toString());

    assertThat(bundle.resolve("rootfs/usr/bin/tool")).exists();
    assertThat(Files.readString(bundle.resolve("rootfs/etc/motd"))).isEqualTo("hello\n");
  }

  /** Returns an image with Docker schema 2 media types, as {@code docker push} stores it. */
  private TestImage dockerImage() {
    return TestImage.builder(content)
        .docker()
        .label("docker")
        .layer(base.tars().get(0), Compression.NONE)
        .layer(
            Tars.of(Map.of("etc/motd", "docker\n".getBytes(StandardCharsets.UTF_8)), 7),
            Compression.GZIP)
        .build();
  }

  /** Checks that {@code named} is a manifest with OCI media types standing for {@code signed}. */
  private void assertOciTyped(Digest named, Digest signed) throws IOException {
    JsonNode manifest = JSON.readTree(Files.readAllBytes(layout.blobPath(named)));
    assertThat(manifest.path("mediaType").asString()).isEqualTo(ImageReader.OCI_MANIFEST);
    assertThat(manifest.path("config").path("mediaType").asString())
        .isEqualTo("application/vnd.oci.image.config.v1+json");
    for (JsonNode layer : manifest.path("layers")) {
      assertThat(layer.path("mediaType").asString()).startsWith("application/vnd.oci.image.layer");
    }
    assertThat(manifest.path("annotations").path(OciLayout.SOURCE_MANIFEST).asString())
        .isEqualTo(signed.value());
    JsonNode index = JSON.readTree(Files.readAllBytes(layout.dir().resolve("index.json")));
    for (JsonNode entry : index.path("manifests")) {
      assertThat(entry.path("mediaType").asString()).isEqualTo(ImageReader.OCI_MANIFEST);
    }
  }

  /** Returns a target that reuses base layer 1, copies a file of layer 0 and adds a new layer. */
  private TestImage target(boolean uncompressedLast) {
    return target(uncompressedLast, false);
  }

  /** Returns the target of {@link #target(boolean)}, with Docker media types when asked. */
  private TestImage target(boolean uncompressedLast, boolean docker) {
    Map<String, byte[]> files = Tars.files();
    files.put("usr/bin/tool", toolContent());
    TestImage.Builder builder = TestImage.builder(content);
    if (docker) {
      builder.docker();
    }
    builder
        .label("target")
        .layer(base.tars().get(1), Compression.GZIP)
        .layer(Tars.of(files, 1_800_000_000L), Compression.NONE);
    byte[] motd = Tars.of(Map.of("etc/motd", "hello\n".getBytes(StandardCharsets.UTF_8)), 5);
    builder.layer(motd, uncompressedLast ? Compression.GZIP : Compression.NONE);
    return builder.build();
  }

  private static byte[] toolContent() {
    return "tool version 1\n".repeat(400).getBytes(StandardCharsets.UTF_8);
  }

  private AppliedImage applyTarget(TestImage target, boolean uncompressedLast) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] baseTar = base.tars().get(0);
    byte[] newTar = target.tars().get(1);
    try (PayloadWriter writer = new PayloadWriter(out, 19)) {
      writer.header(
          base.manifestDigest(),
          target.manifestDigest(),
          List.of(
              new SourceLayer(
                  base.layers().get(0).digest(), base.diffIds().get(0), baseTar.length)));
      writer.blob(target.manifestDescriptor(), new ByteArrayInputStream(target.manifest()));
      writer.blob(target.config(), new ByteArrayInputStream(target.configBytes()));
      writer.reuse(target.layers().get(0));

      writer.beginLayer(
          target.layers().get(1),
          target.diffIds().get(1),
          newTar.length,
          new LayerEncoding.Plain());
      writer.literal(newTar, 0, Tars.BLOCK);
      long toolOffset = 3L * Tars.BLOCK;
      writer.copy(new SourceRange(0, toolOffset, toolContent().length));
      writer.literal(
          newTar,
          Tars.BLOCK + toolContent().length,
          newTar.length - Tars.BLOCK - toolContent().length);
      writer.endLayer();

      byte[] motd = target.tars().get(2);
      LayerEncoding encoding =
          uncompressedLast
              ? new LayerEncoding.DiffIdOnly(Compression.GZIP)
              : new LayerEncoding.Plain();
      writer.beginLayer(target.layers().get(2), target.diffIds().get(2), motd.length, encoding);
      writer.literal(motd, 0, motd.length);
      writer.endLayer();
      writer.finish();
    }
    return new DeltaApplier(dir.resolve("scratch"))
        .apply(
            new ByteArrayInputStream(out.toByteArray()),
            layout,
            base.manifestDigest(),
            target.manifestDigest(),
            dir.resolve("staging"));
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished: " + output).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
  }

  private static List<Path> list(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  private static Map<Path, byte[]> snapshot(Path directory) throws IOException {
    Map<Path, byte[]> files = new java.util.HashMap<>();
    for (Path file : new ArrayList<>(list(directory))) {
      files.put(file.getFileName(), Files.readAllBytes(file));
    }
    return files;
  }
}
