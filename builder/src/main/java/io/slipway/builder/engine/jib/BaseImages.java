package io.slipway.builder.engine.jib;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageReference;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The base images of one build, read through the {@link RegistryClient} of the destination
 * registry: pins references to the build platform's manifest, reads their configs and unpacks their
 * layers for {@code COPY --from}. Thread-safe.
 */
final class BaseImages {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final RegistryClient client;
  private final Platform platform;
  private final String file;
  private final Map<String, BaseImage> images = new ConcurrentHashMap<>();

  /**
   * One pinned base image. Immutable.
   *
   * @param reference {@code host/repository@sha256:...} of the platform's manifest
   * @param layers the layer digests, bottom first
   * @param workingDirectory the config's working directory, {@code /} when it sets none
   */
  record BaseImage(ImageReference reference, List<String> layers, String workingDirectory) {}

  BaseImages(RegistryClient client, Platform platform, String file) {
    this.client = client;
    this.platform = platform;
    this.file = file;
  }

  /**
   * Returns the base image {@code text} names (a {@code FROM} or {@code --from} value) for this
   * build's platform.
   *
   * @throws BuildInputException naming {@code line} when the image is in another registry, does not
   *     exist, or has no manifest for the platform
   */
  BaseImage image(String text, int line) {
    return images.computeIfAbsent(text, key -> load(key, line));
  }

  /** Unpacks the layers of {@code image} into {@code root}, bottom first. */
  void extract(BaseImage image, Path root) throws IOException {
    for (String layer : image.layers()) {
      try (InputStream in = client.openBlob(image.reference().repository(), layer)) {
        ArchiveExtractor.extract(in, root);
      }
    }
  }

  private BaseImage load(String text, int line) {
    ImageReference reference = parse(text, line);
    String pinned;
    try {
      pinned = reference.digest() != null ? reference.toString() : client.resolve(text, platform);
    } catch (RegistryException e) {
      throw new BuildInputException(file, line, "base image " + text + ": " + e.getMessage());
    }
    ImageReference manifestReference = ImageReference.parse(pinned);
    Manifest manifest =
        client.getManifest(manifestReference.repository(), manifestReference.digest());
    JsonNode document = JSON.readTree(manifest.bytes());
    if (MediaTypes.isIndex(document.path("mediaType").asString(manifest.mediaType()))) {
      String platformManifest = client.resolve(pinned, platform);
      return load(platformManifest, line);
    }
    List<String> layers = new ArrayList<>();
    document.path("layers").forEach(layer -> layers.add(layer.path("digest").asString()));
    String configDigest = document.path("config").path("digest").asString();
    JsonNode config = JSON.readTree(client.readBlob(manifestReference.repository(), configDigest));
    String workingDirectory = config.path("config").path("WorkingDir").asString("");
    return new BaseImage(
        manifestReference,
        List.copyOf(layers),
        workingDirectory.isEmpty() ? "/" : workingDirectory);
  }

  private ImageReference parse(String text, int line) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BuildInputException(file, line, e.getMessage());
    }
    if (!reference.registry().equals(client.registry())) {
      throw new BuildInputException(
          file,
          line,
          "base image "
              + text
              + " is not in the build's registry "
              + client.registry()
              + "; the Jib engine pulls base images only from there (push the image to it, or"
              + " name it through its pull-through mirror)");
    }
    return reference;
  }
}
