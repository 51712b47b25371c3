package io.slipway.cli.delta;

import io.slipway.delta.image.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes OCI image layouts for the delta command tests: single-platform images of tar layers
 * (uncompressed or gzip), and indexes over several of them. Blobs are real files under {@code
 * blobs/sha256}; index.json names each image by its tag.
 */
final class LayoutFixture {

  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
  private static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private LayoutFixture() {}

  /**
   * Returns a tar of {@code files} in the given order, every entry modified at {@code mtimeSeconds}
   * (seconds since the epoch).
   */
  static byte[] tar(Map<String, byte[]> files, long mtimeSeconds) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(file.getValue().length);
        entry.setMode(0644);
        entry.setModTime(mtimeSeconds * 1000);
        tar.putArchiveEntry(entry);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Returns {@code content} compressed by Java's gzip, which zlib reproduces byte for byte. */
  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Returns {@code content} as two gzip members, a valid gzip stream that no single zlib run
   * reproduces, so a delta keeps such a layer uncompressed.
   */
  static byte[] gzipInTwoMembers(byte[] content) {
    int half = content.length / 2;
    byte[] first = gzip(Arrays.copyOfRange(content, 0, half));
    byte[] second = gzip(Arrays.copyOfRange(content, half, content.length));
    byte[] joined = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, joined, first.length, second.length);
    return joined;
  }

  /** Reads real files from the running JDK, the test's stand-in for a root filesystem. */
  static Map<String, byte[]> jdkFiles(String... names) {
    Path lib = Path.of(System.getProperty("java.home"), "lib");
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : names) {
      try {
        files.put("usr/lib/jvm/" + name, Files.readAllBytes(lib.resolve(name)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  /**
   * Writes a single-platform image of {@code layers} (uncompressed tars) into the layout {@code
   * directory} and tags it, gzip-compressing each layer when {@code gzip} is set.
   *
   * @return the manifest's digest
   */
  static Digest image(
      Path directory, String tag, String architecture, boolean gzip, byte[]... layers) {
    return image(directory, tag, architecture, gzip ? LayoutFixture::gzip : null, layers);
  }

  /**
   * Writes and tags a single-platform image whose layers {@code gzip} compresses, or leaves
   * uncompressed when it is null.
   */
  static Digest image(
      Path directory,
      String tag,
      String architecture,
      UnaryOperator<byte[]> gzip,
      byte[]... layers) {
    Digest manifest = manifest(directory, architecture, gzip, layers);
    tag(directory, tag, MANIFEST_TYPE, manifest);
    return manifest;
  }

  /** Writes an image's blobs and manifest without tagging it, and returns the manifest's digest. */
  static Digest manifest(Path directory, String architecture, boolean gzip, byte[]... layers) {
    return manifest(directory, architecture, gzip ? LayoutFixture::gzip : null, layers);
  }

  private static Digest manifest(
      Path directory, String architecture, UnaryOperator<byte[]> gzip, byte[]... layers) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", architecture);
    config.put("os", "linux");
    ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST_TYPE);
    ArrayNode layerList = JSON.createArrayNode();
    for (byte[] layer : layers) {
      diffIds.add(Digest.of(layer).value());
      byte[] blob = gzip != null ? gzip.apply(layer) : layer;
      String mediaType =
          gzip != null
              ? "application/vnd.oci.image.layer.v1.tar+gzip"
              : "application/vnd.oci.image.layer.v1.tar";
      layerList.add(descriptor(mediaType, blob(directory, blob), blob.length));
    }
    byte[] configBytes = JSON.writeValueAsBytes(config);
    manifest.set(
        "config",
        descriptor(
            "application/vnd.oci.image.config.v1+json",
            blob(directory, configBytes),
            configBytes.length));
    manifest.set("layers", layerList);
    return blob(directory, JSON.writeValueAsBytes(manifest));
  }

  /**
   * Writes an index over platform manifests of the given architectures, tags it, and returns its
   * digest.
   */
  static Digest index(Path directory, String tag, Map<String, Digest> manifestsByArchitecture) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", INDEX_TYPE);
    ArrayNode manifests = index.putArray("manifests");
    for (Map.Entry<String, Digest> entry : manifestsByArchitecture.entrySet()) {
      ObjectNode descriptor =
          descriptor(MANIFEST_TYPE, entry.getValue(), size(directory, entry.getValue()));
      descriptor.putObject("platform").put("os", "linux").put("architecture", entry.getKey());
      manifests.add(descriptor);
    }
    Digest digest = blob(directory, JSON.writeValueAsBytes(index));
    tag(directory, tag, INDEX_TYPE, digest);
    return digest;
  }

  /** Returns the digest that index.json names with {@code tag}, or null. */
  static Digest tagged(Path directory, String tag) {
    try {
      for (var entry : JSON.readTree(directory.resolve("index.json").toFile()).path("manifests")) {
        if (tag.equals(entry.path("annotations").path(REF_NAME).asString(null))) {
          return Digest.of(entry.path("digest").asString());
        }
      }
      return null;
    } catch (RuntimeException e) {
      throw new IllegalStateException("Reading index.json of " + directory + " failed", e);
    }
  }

  static Path blobPath(Path directory, Digest digest) {
    return directory.resolve("blobs").resolve("sha256").resolve(digest.hex());
  }

  private static void tag(Path directory, String tag, String mediaType, Digest digest) {
    try {
      Path indexFile = directory.resolve("index.json");
      List<ObjectNode> entries = new ArrayList<>();
      if (Files.exists(indexFile)) {
        for (var entry : JSON.readTree(indexFile.toFile()).path("manifests")) {
          if (!tag.equals(entry.path("annotations").path(REF_NAME).asString(null))) {
            entries.add((ObjectNode) entry);
          }
        }
      }
      ObjectNode added = descriptor(mediaType, digest, size(directory, digest));
      added.putObject("annotations").put(REF_NAME, tag);
      entries.add(added);
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", INDEX_TYPE);
      ArrayNode manifests = index.putArray("manifests");
      entries.forEach(manifests::add);
      Files.write(indexFile, JSON.writeValueAsBytes(index));
      Files.writeString(
          directory.resolve("oci-layout"),
          "{\"imageLayoutVersion\":\"1.0.0\"}",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Digest blob(Path directory, byte[] content) {
    Digest digest = Digest.of(content);
    try {
      Path path = blobPath(directory, digest);
      Files.createDirectories(path.getParent());
      Files.write(path, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return digest;
  }

  private static long size(Path directory, Digest digest) {
    try {
      return Files.size(blobPath(directory, digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
    ObjectNode descriptor = JSON.createObjectNode();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", digest.value());
    descriptor.put("size", size);
    return descriptor;
  }
}
