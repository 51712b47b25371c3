package io.slipway.builder.engine.jib;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageReference;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.PlatformNotFoundException;
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
  private final LayerListings listings;
  private final Map<String, BaseImage> images = new ConcurrentHashMap<>();

  /**
   * One pinned base image. Immutable.
   *
   * @param reference {@code host/repository@sha256:...} of the platform's manifest
   * @param layers the layer digests, bottom first
   * @param workingDirectory the config's working directory, {@code /} when it sets none
   */
  record BaseImage(ImageReference reference, List<String> layers, String workingDirectory) {}

  BaseImages(RegistryClient client, LayerListings listings, Platform platform, String file) {
    this.client = client;
    this.listings = listings;
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

  /** Returns the directories and links of {@code image}, from its layers' listings. */
  LayerListings.Tree tree(BaseImage image) throws IOException {
    return listings.tree(client, image.reference().repository(), image.layers());
  }

  /** Returns an empty tree, for an image built from scratch. */
  LayerListings.Tree emptyTree() {
    return listings.empty();
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
    try {
      String pinned =
          reference.digest() != null ? reference.toString() : client.resolve(text, platform);
      return read(ImageReference.parse(pinned), text, line);
    } catch (RegistryException e) {
      if (e instanceof PlatformNotFoundException || e.status() == 404) {
        throw new BuildInputException(file, line, "base image " + text + ": " + e.getMessage());
      }
      throw e;
    }
  }

  /** Reads a pinned manifest; an index is narrowed to this build's platform first. */
  private BaseImage read(ImageReference pinned, String text, int line) {
    Manifest manifest = client.getManifest(pinned.repository(), pinned.digest());
    JsonNode document = JSON.readTree(manifest.bytes());
    if (MediaTypes.isIndex(document.path("mediaType").asString(manifest.mediaType()))) {
      return read(ImageReference.parse(client.resolve(pinned.toString(), platform)), text, line);
    }
    List<String> layers = new ArrayList<>();
    document.path("layers").forEach(layer -> layers.add(layer.path("digest").asString()));
    String configDigest = document.path("config").path("digest").asString();
    JsonNode config = JSON.readTree(client.readBlob(pinned.repository(), configDigest));
    requirePlatform(config, text, line);
    String workingDirectory = config.path("config").path("WorkingDir").asString("");
    return new BaseImage(
        pinned, List.copyOf(layers), workingDirectory.isEmpty() ? "/" : workingDirectory);
  }

  /**
   * Rejects a base whose config names another os or architecture: the pipeline pins each FROM to
   * the build platform's manifest, so a mismatch means a wrong pin, which would mislabel the image.
   */
  private void requirePlatform(JsonNode config, String text, int line) {
    String os = config.path("os").asString("");
    String architecture = config.path("architecture").asString("");
    String variant = config.path("variant").asString("");
    boolean variantsDiffer =
        !variant.isEmpty() && platform.variant() != null && !variant.equals(platform.variant());
    if (os.equals(platform.os())
        && architecture.equals(platform.architecture())
        && !variantsDiffer) {
      return;
    }
    String found = os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    throw new BuildInputException(
        file,
        line,
        "base image "
            + text
            + " is built for "
            + found
            + ", but this build is for "
            + platform
            + "; pin FROM to the image's manifest for "
            + platform);
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
