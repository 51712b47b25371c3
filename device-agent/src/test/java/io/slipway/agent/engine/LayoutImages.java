package io.slipway.agent.engine;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.layout.OciLayout;
import io.slipway.testing.image.BusyboxImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes locally built busybox images into an OCI layout, as the agent's store keeps them. */
final class LayoutImages {

  private static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  private LayoutImages() {}

  /** Writes the amd64 busybox image of {@code variant} as {@code refName}; returns its manifest. */
  static Digest write(OciLayout layout, String variant, String refName) {
    BusyboxImages.Image image = BusyboxImages.amd64(variant);
    return write(layout, refName, image.manifest(), image.layer(), image.config());
  }

  /**
   * Writes the image of {@code variant} with its layer as an uncompressed tar, as the store keeps a
   * layer whose compression a delta could not reproduce; returns its manifest.
   */
  static Digest writeUncompressed(OciLayout layout, String variant, String refName) {
    BusyboxImages.Image image = BusyboxImages.amd64(variant);
    byte[] tar = gunzip(image.layer());
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"%s\",\"size\":%d},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\",\"size\":%d}]}")
            .formatted(Digest.of(image.config()), image.config().length, Digest.of(tar), tar.length)
            .getBytes(StandardCharsets.UTF_8);
    return write(layout, refName, manifest, tar, image.config());
  }

  /**
   * Writes a two-layer image: the busybox layer of {@code variant}, then an uncompressed layer with
   * the file {@code etc/extra} that contains {@code extra}. Images with the same variant share
   * their base layer. Returns the manifest.
   */
  static Digest writeLayered(OciLayout layout, String variant, String extra, String refName) {
    BusyboxImages.Image base = BusyboxImages.amd64(variant);
    byte[] extraTar = tar("etc/extra", extra.getBytes(StandardCharsets.UTF_8));
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}")
            .formatted(Digest.of(gunzip(base.layer())), Digest.of(extraTar))
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"%s\",\"size\":%d},\"layers\":["
                + "{\"mediaType\":\"%s+gzip\",\"digest\":\"%s\",\"size\":%d},"
                + "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d}]}")
            .formatted(
                Digest.of(config),
                config.length,
                LAYER_TAR,
                Digest.of(base.layer()),
                base.layer().length,
                LAYER_TAR,
                Digest.of(extraTar),
                extraTar.length)
            .getBytes(StandardCharsets.UTF_8);
    return write(layout, refName, manifest, base.layer(), extraTar, config);
  }

  /**
   * Writes the image of {@code variant} with a config that names no command, as an image built from
   * {@code scratch} without {@code CMD} has; returns its manifest.
   */
  static Digest writeWithoutCommand(OciLayout layout, String variant, String refName) {
    BusyboxImages.Image image = BusyboxImages.amd64(variant);
    byte[] config =
        new String(image.config(), StandardCharsets.UTF_8)
            .replace(",\"Cmd\":[\"sh\"]", "")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        new String(image.manifest(), StandardCharsets.UTF_8)
            .replace(Digest.of(image.config()).value(), Digest.of(config).value())
            .replace("\"size\":" + image.config().length + "}", "\"size\":" + config.length + "}")
            .getBytes(StandardCharsets.UTF_8);
    return write(layout, refName, manifest, image.layer(), config);
  }

  /** Returns the config digest of the variant's image: the image id the engine gives it. */
  static Digest imageId(String variant) {
    return Digest.of(BusyboxImages.amd64(variant).config());
  }

  /** Returns the config digest of the image {@code refName} in {@code layout}. */
  static Digest imageId(OciLayout layout, String refName) {
    return ImageReader.read(layout, layout.resolve(refName)).config().digest();
  }

  private static Digest write(OciLayout layout, String refName, byte[] manifest, byte[]... blobs) {
    Map<Digest, byte[]> content = new HashMap<>();
    content.put(Digest.of(manifest), manifest);
    for (byte[] blob : blobs) {
      content.put(Digest.of(blob), blob);
    }
    ImageContent source =
        digest -> {
          byte[] blob = content.get(digest);
          if (blob == null) {
            throw new NoSuchFileException(digest.value());
          }
          return (InputStream) new ByteArrayInputStream(blob);
        };
    Digest digest = Digest.of(manifest);
    layout.writeImage(source, ImageReader.read(source, digest), refName);
    return digest;
  }

  private static byte[] tar(String name, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      TarArchiveEntry directory = new TarArchiveEntry(name.substring(0, name.indexOf('/') + 1));
      directory.setModTime(0);
      tar.putArchiveEntry(directory);
      tar.closeArchiveEntry();
      TarArchiveEntry file = new TarArchiveEntry(name);
      file.setSize(content.length);
      file.setModTime(0);
      tar.putArchiveEntry(file);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gzip) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
