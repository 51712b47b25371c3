package io.slipway.api.delta;

import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.springframework.context.ApplicationContext;

/**
 * Builds small but real OCI images in code (uncompressed tar layers of given files, a config with
 * their diff_ids) and pushes them into a running server's registry with a builder secret of the
 * repository's fleet. Each image can be the only manifest of a release, or one platform of an
 * index.
 */
final class LayeredImages {

  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

  private final ServerRegistryAccess access;
  private final String repository;
  private final RegistryClient client;

  /**
   * @param repository {@code ORG/FLEET/SERVICE}
   */
  LayeredImages(ApplicationContext server, String repository) {
    this.access = server.getBean(ServerRegistryAccess.class);
    this.repository = repository;
    String fleet = repository.substring(0, repository.lastIndexOf('/'));
    this.client = access.client(fleet, Duration.ofMinutes(10), Duration.ofSeconds(30));
  }

  /**
   * A pushed platform manifest.
   *
   * @param digest its digest
   * @param size its size in bytes
   * @param platform its platform
   */
  record Pushed(String digest, long size, Platform platform) {}

  /**
   * Pushes an image for {@code platform} with one layer per map of file path to content, in order.
   */
  Pushed push(Platform platform, List<Map<String, byte[]>> layers) {
    List<byte[]> tars = new ArrayList<>();
    layers.forEach(files -> tars.add(tar(files)));

    StringBuilder diffIds = new StringBuilder();
    StringBuilder layerDescriptors = new StringBuilder();
    for (byte[] tar : tars) {
      String digest = client.pushBlob(repository, tar);
      diffIds.append(diffIds.isEmpty() ? "" : ",").append('"').append(digest).append('"');
      layerDescriptors
          .append(layerDescriptors.isEmpty() ? "" : ",")
          .append(descriptor(LAYER_TYPE, digest, tar.length));
    }
    byte[] config =
        ("{\"architecture\":\""
                + platform.architecture()
                + "\",\"os\":\""
                + platform.os()
                + "\""
                + (platform.variant() == null ? "" : ",\"variant\":\"" + platform.variant() + "\"")
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = client.pushBlob(repository, config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MANIFEST_TYPE
                + "\",\"config\":"
                + descriptor(CONFIG_TYPE, configDigest, config.length)
                + ",\"layers\":["
                + layerDescriptors
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    Manifest pushed = Manifest.of(MANIFEST_TYPE, manifest);
    client.putManifest(repository, pushed.digest(), pushed);
    return new Pushed(pushed.digest(), manifest.length, platform);
  }

  /** Pushes an image index of {@code manifests} and returns its digest. */
  String pushIndex(List<Pushed> manifests) {
    StringBuilder entries = new StringBuilder();
    for (Pushed manifest : manifests) {
      Platform platform = manifest.platform();
      entries
          .append(entries.isEmpty() ? "" : ",")
          .append("{\"mediaType\":\"")
          .append(MANIFEST_TYPE)
          .append("\",\"digest\":\"")
          .append(manifest.digest())
          .append("\",\"size\":")
          .append(manifest.size())
          .append(",\"platform\":{\"os\":\"")
          .append(platform.os())
          .append("\",\"architecture\":\"")
          .append(platform.architecture())
          .append('"')
          .append(platform.variant() == null ? "" : ",\"variant\":\"" + platform.variant() + "\"")
          .append("}}");
    }
    byte[] index =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + INDEX_TYPE
                + "\",\"manifests\":["
                + entries
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    Manifest pushed = Manifest.of(INDEX_TYPE, index);
    client.putManifest(repository, pushed.digest(), pushed);
    return pushed.digest();
  }

  /** Returns the reference a release names for the image or index {@code digest}. */
  String reference(String digest) {
    return access.imageHost() + "/" + repository + "@" + digest;
  }

  /** Returns a tar of {@code files} with fixed times and owners, sorted by path. */
  static byte[] tar(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(file.getValue().length);
        entry.setModTime(1_700_000_000_000L);
        entry.setMode(0644);
        out.putArchiveEntry(entry);
        out.write(file.getValue());
        out.closeArchiveEntry();
      }
      out.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }
}
