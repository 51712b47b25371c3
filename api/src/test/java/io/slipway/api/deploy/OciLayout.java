package io.slipway.api.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an OCI image layout directory, the source that {@code skopeo copy oci:DIR:TAG} reads: one
 * image index tagged {@code TAG} over one manifest per platform. Each platform's layer is a small
 * gzip-compressed tar (compressed, so that skopeo copies it as it is) holding one text file whose
 * content includes {@code salt}, so a fresh salt gives blobs no other test shares. Not thread-safe.
 */
final class OciLayout {

  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  private final Path directory;
  private final Map<String, String> layers = new LinkedHashMap<>();

  private OciLayout(Path directory) {
    this.directory = directory;
  }

  /** Returns each platform's layer digest, in the order written. */
  Map<String, String> layers() {
    return layers;
  }

  /**
   * Writes a layout to {@code directory} with an index tagged {@code tag} for {@code platforms}
   * ({@code linux/amd64}, {@code linux/arm/v7}, ...).
   */
  static OciLayout write(Path directory, String tag, List<String> platforms, String salt) {
    Map<String, String> honest = new LinkedHashMap<>();
    platforms.forEach(platform -> honest.put(platform, platform));
    return write(directory, tag, honest, salt);
  }

  /**
   * Writes a layout whose index offers each key of {@code platforms} for a manifest whose config
   * states the value, so that an index entry can name another platform than its config.
   */
  static OciLayout write(Path directory, String tag, Map<String, String> platforms, String salt) {
    OciLayout layout = new OciLayout(directory);
    try {
      Files.createDirectories(directory.resolve("blobs/sha256"));
      Files.writeString(directory.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      List<String> entries = new ArrayList<>();
      for (Map.Entry<String, String> platform : platforms.entrySet()) {
        entries.add(layout.image(platform.getKey(), platform.getValue(), salt));
      }
      byte[] index =
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                  + "\"manifests\":["
                  + String.join(",", entries)
                  + "]}")
              .getBytes(StandardCharsets.UTF_8);
      String indexDigest = layout.blob(index);
      Files.writeString(
          directory.resolve("index.json"),
          "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
              + "\"application/vnd.oci.image.index.v1+json\",\"digest\":\""
              + indexDigest
              + "\",\"size\":"
              + index.length
              + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
              + tag
              + "\"}}]}");
      return layout;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes one platform's layer, config and manifest; returns the index entry. The entry offers
   * {@code offered} and the config states {@code stated}.
   */
  private String image(String offered, String stated, String salt) throws IOException {
    byte[] tar = tar("etc/release", "salt " + salt + " for " + offered + "\n");
    byte[] layer = gzip(tar);
    String layerDigest = blob(layer);
    layers.put(offered, layerDigest);
    byte[] config =
        ("{"
                + platformJson(stated)
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + sha256(tar)
                + "\"]},\"config\":{\"Cmd\":[\"cat\",\"/etc/release\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + blob(config)
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\""
                + LAYER_TYPE
                + "\",\"digest\":\""
                + layerDigest
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
        + blob(manifest)
        + "\",\"size\":"
        + manifest.length
        + ",\"platform\":{"
        + platformJson(offered)
        + "}}";
  }

  /** Returns the {@code os}, {@code architecture} and optional {@code variant} JSON fields. */
  private static String platformJson(String platform) {
    String[] parts = platform.split("/");
    return "\"os\":\""
        + parts[0]
        + "\",\"architecture\":\""
        + parts[1]
        + "\""
        + (parts.length > 2 ? ",\"variant\":\"" + parts[2] + "\"" : "");
  }

  private String blob(byte[] content) throws IOException {
    String digest = sha256(content);
    Files.write(directory.resolve("blobs/sha256/" + digest.substring("sha256:".length())), content);
    return digest;
  }

  /** Returns a ustar archive with one regular file, owned by root, modified at time 0. */
  static byte[] tar(String name, String text) {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644\0");
    put(header, 108, "0000000\0");
    put(header, 116, "0000000\0");
    put(header, 124, String.format("%011o\0", content.length));
    put(header, 136, "00000000000\0");
    put(header, 148, "        ");
    header[156] = '0';
    put(header, 257, "ustar\0" + "00");
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o\0 ", sum));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  static String sha256(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
