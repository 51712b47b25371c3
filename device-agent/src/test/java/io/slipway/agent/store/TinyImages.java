package io.slipway.agent.store;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Small OCI images made in memory for store and loop tests: uncompressed layers of given text
 * (their digest is their diff_id), a config that lists them, and an OCI manifest. The store never
 * looks inside a layer, so the layers need not be tars.
 */
public final class TinyImages implements ImageContent {

  private final Map<Digest, byte[]> blobs = new HashMap<>();

  /** Makes an image whose layers hold {@code layers}, and returns it. */
  public Image image(String... layers) {
    List<byte[]> contents =
        List.of(layers).stream().map(text -> text.getBytes(StandardCharsets.UTF_8)).toList();
    contents.forEach(this::put);
    String diffIds =
        contents.stream()
            .map(content -> "\"" + Digest.of(content) + "\"")
            .collect(Collectors.joining(","));
    byte[] config =
        ("{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    put(config);
    String layerDescriptors =
        contents.stream()
            .map(
                content ->
                    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                        + Digest.of(content)
                        + "\",\"size\":"
                        + content.length
                        + "}")
            .collect(Collectors.joining(","));
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + Digest.of(config)
                + "\",\"size\":"
                + config.length
                + "},\"layers\":["
                + layerDescriptors
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = put(manifest);
    return ImageReader.read(this, manifestDigest);
  }

  private Digest put(byte[] content) {
    Digest digest = Digest.of(content);
    blobs.put(digest, content);
    return digest;
  }

  @Override
  public InputStream open(Digest digest) throws NoSuchFileException {
    byte[] content = blobs.get(digest);
    if (content == null) {
      throw new NoSuchFileException(digest.value());
    }
    return new ByteArrayInputStream(content);
  }
}
