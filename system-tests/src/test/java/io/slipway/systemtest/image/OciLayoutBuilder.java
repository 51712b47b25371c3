package io.slipway.systemtest.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/...}) with images generated in code, for skopeo's {@code oci:DIR:TAG} transport.
 *
 * <p>Each image gets, per platform, one gzip tar layer of generated files, a config naming the
 * platform and an OCI manifest. With more than one platform the tag names an image index whose
 * entries carry platform fields. The files differ by tag and platform, so two images share no
 * layer. Not thread-safe.
 */
public final class OciLayoutBuilder {

  /** Annotation that names a tag in a layout's {@code index.json}. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREATED = "2024-01-01T00:00:00Z";
  private static final int PAYLOAD_BYTES = 192 * 1024;

  private final Path directory;
  private final List<ObjectNode> tagged = new ArrayList<>();

  private OciLayoutBuilder(Path directory) {
    this.directory = directory;
  }

  /** Starts a layout in {@code directory}, which must be empty or missing. */
  public static OciLayoutBuilder in(Path directory) {
    try {
      Files.createDirectories(directory.resolve("blobs").resolve("sha256"));
      Files.writeString(directory.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create an OCI layout in " + directory, e);
    }
    return new OciLayoutBuilder(directory);
  }

  public Path directory() {
    return directory;
  }

  /**
   * Writes an image for {@code platforms} and tags it {@code tag}: a plain manifest for one
   * platform, an image index for several. Rewrites {@code index.json}.
   */
  public OciImage image(String tag, Platform... platforms) {
    if (platforms.length == 0) {
      throw new IllegalArgumentException("Image " + tag + " needs at least one platform");
    }
    List<OciImage.PlatformImage> images = new ArrayList<>();
    List<ObjectNode> descriptors = new ArrayList<>();
    for (Platform platform : platforms) {
      descriptors.add(platformManifest(tag, platform, images));
    }

    OciImage image;
    if (platforms.length == 1) {
      String digest = images.get(0).manifestDigest();
      image = new OciImage(tag, OciMediaTypes.IMAGE_MANIFEST, digest, readBlob(digest), images);
    } else {
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", OciMediaTypes.IMAGE_INDEX);
      ArrayNode manifests = index.putArray("manifests");
      descriptors.forEach(manifests::add);
      byte[] content = json(index);
      String digest = writeBlob(content);
      image = new OciImage(tag, OciMediaTypes.IMAGE_INDEX, digest, content, images);
    }

    tag(image);
    return image;
  }

  /** Writes layer, config and manifest; returns the manifest's descriptor with its platform. */
  private ObjectNode platformManifest(
      String tag, Platform platform, List<OciImage.PlatformImage> images) {
    byte[] tar = layerTar(tag, platform);
    byte[] layer = gzip(tar);
    String layerDigest = writeBlob(layer);

    byte[] config = json(config(platform, Digests.sha256(tar)));
    String configDigest = writeBlob(config);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", OciMediaTypes.IMAGE_MANIFEST);
    manifest.set("config", descriptor(OciMediaTypes.IMAGE_CONFIG, configDigest, config.length));
    manifest
        .putArray("layers")
        .add(descriptor(OciMediaTypes.LAYER_TAR_GZIP, layerDigest, layer.length));
    byte[] manifestBytes = json(manifest);
    String manifestDigest = writeBlob(manifestBytes);

    images.add(
        new OciImage.PlatformImage(platform, manifestDigest, configDigest, List.of(layerDigest)));
    ObjectNode descriptor =
        descriptor(OciMediaTypes.IMAGE_MANIFEST, manifestDigest, manifestBytes.length);
    ObjectNode platformNode = descriptor.putObject("platform");
    platformNode.put("architecture", platform.architecture());
    platformNode.put("os", platform.os());
    return descriptor;
  }

  /** Generated files: a release note naming tag and platform, and a seeded random payload. */
  private static byte[] layerTar(String tag, Platform platform) {
    String release = "tag=" + tag + "\nplatform=" + platform + "\n";
    byte[] payload = new byte[PAYLOAD_BYTES];
    new SplittableRandom((tag + "/" + platform).hashCode()).nextBytes(payload);
    return new TarArchive()
        .directory("etc")
        .directory("etc/slipway")
        .file("etc/slipway/release", release.getBytes(StandardCharsets.UTF_8), 0644)
        .directory("opt")
        .directory("opt/app")
        .file("opt/app/payload.bin", payload, 0644)
        .file("opt/app/run.sh", "#!/bin/sh\necho ok\n".getBytes(StandardCharsets.UTF_8), 0755)
        .finish();
  }

  private static ObjectNode config(Platform platform, String diffId) {
    ObjectNode config = JSON.createObjectNode();
    config.put("created", CREATED);
    config.put("architecture", platform.architecture());
    config.put("os", platform.os());
    ObjectNode runtime = config.putObject("config");
    runtime
        .putArray("Env")
        .add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    runtime.putArray("Cmd").add("/opt/app/run.sh");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId);
    ObjectNode history = config.putArray("history").addObject();
    history.put("created", CREATED);
    history.put("created_by", "OciLayoutBuilder");
    return config;
  }

  private static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode descriptor = JSON.createObjectNode();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", digest);
    descriptor.put("size", size);
    return descriptor;
  }

  private void tag(OciImage image) {
    tagged.removeIf(entry -> entry.path("annotations").path(REF_NAME).asText().equals(image.tag()));
    ObjectNode entry = descriptor(image.mediaType(), image.digest(), image.content().length);
    entry.putObject("annotations").put(REF_NAME, image.tag());
    tagged.add(entry);

    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OciMediaTypes.IMAGE_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    tagged.forEach(manifests::add);
    write(directory.resolve("index.json"), json(index));
  }

  private String writeBlob(byte[] content) {
    String digest = Digests.sha256(content);
    write(blobPath(digest), content);
    return digest;
  }

  private byte[] readBlob(String digest) {
    try {
      return Files.readAllBytes(blobPath(digest));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read blob " + digest + " in " + directory, e);
    }
  }

  private Path blobPath(String digest) {
    return directory.resolve("blobs").resolve("sha256").resolve(Digests.hex(digest));
  }

  private static void write(Path file, byte[] content) {
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static byte[] json(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize " + node, e);
    }
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot gzip a layer", e);
    }
    return compressed.toByteArray();
  }
}
