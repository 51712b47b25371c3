package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Picks the platform manifest of a service's image for the device: the entry of the image index
 * whose platform is the fleet's, or the image itself when it is a single manifest. The index was
 * fetched by the digest the signed release document names, so the manifest digest it lists is as
 * trustworthy as the document. A single manifest states its platform only in its config, which
 * {@link #requirePlatform} checks once the image is in the store. Stateless and thread-safe.
 */
final class IndexResolver {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private IndexResolver() {}

  /**
   * Returns the platform manifest for {@code platform} in {@code index}.
   *
   * @param platform such as {@code linux/arm64} or {@code linux/arm/v7}; null when the server does
   *     not know the fleet's platform, which then works only for an index of one manifest
   * @throws AgentException {@code PROTOCOL} when the index does not parse or lists no manifest for
   *     the platform, naming the platforms it has
   */
  static Digest platformManifest(RegistryClient.Fetched index, String platform) {
    JsonNode root;
    try {
      root = JSON.readTree(index.bytes());
    } catch (JacksonException e) {
      throw protocol("Image " + index.digest() + " is not valid JSON: " + e.getOriginalMessage());
    }
    JsonNode manifests = root.path("manifests");
    if (!manifests.isArray()) {
      // A single-platform image: its config, checked by requirePlatform, names the platform.
      return index.digest();
    }
    List<String> platforms = new ArrayList<>();
    List<Digest> matches = new ArrayList<>();
    for (JsonNode entry : manifests) {
      String entryPlatform = platformOf(entry.path("platform"));
      if (entryPlatform.startsWith("unknown/")) {
        continue; // attestation manifests that BuildKit adds
      }
      platforms.add(entryPlatform);
      if (platform == null || matches(entryPlatform, platform)) {
        matches.add(Digest.of(entry.required("digest").asString()));
      }
    }
    if (matches.size() == 1 || (platform != null && !matches.isEmpty())) {
      return matches.get(0);
    }
    throw protocol(
        "Image index "
            + index.digest()
            + " has no single manifest for platform "
            + platform
            + "; it lists "
            + platforms);
  }

  /**
   * Checks that the config of a single-manifest image names the fleet's platform, or one that
   * {@link #platformManifest} would pick for it.
   *
   * @param image the image, as read from the store with its config
   * @param repository the image's repository, for the message
   * @param service the service that runs it, for the message
   * @param platform the fleet's platform, such as {@code linux/arm64}; null when the server does
   *     not know it, which accepts any image
   * @throws AgentException {@code VERIFICATION_FAILED} naming both platforms when they differ, or
   *     when the config does not parse
   */
  static void requirePlatform(Image image, String repository, String service, String platform) {
    if (platform == null) {
      return;
    }
    String imagePlatform;
    try {
      imagePlatform = platformOf(JSON.readTree(image.configBytes()));
    } catch (JacksonException e) {
      throw refused(
          repository, service, image, "its config is not valid JSON: " + e.getOriginalMessage());
    }
    if (!matches(imagePlatform, platform)) {
      throw refused(
          repository,
          service,
          image,
          "it is built for " + imagePlatform + ", but the fleet's platform is " + platform);
    }
  }

  private static AgentException refused(
      String repository, String service, Image image, String reason) {
    return new AgentException(
        AgentFailure.VERIFICATION_FAILED,
        "Image "
            + repository
            + "@"
            + image.manifestDigest()
            + " of service "
            + service
            + " is refused: "
            + reason
            + "; push an image index with a manifest for the fleet's platform");
  }

  private static String platformOf(JsonNode platform) {
    String os = platform.path("os").asString("unknown");
    String architecture = platform.path("architecture").asString("unknown");
    String variant = platform.path("variant").asString("");
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }

  /** Matches {@code linux/arm64} with {@code linux/arm64/v8} too, since v8 is arm64's default. */
  private static boolean matches(String entry, String expected) {
    return entry.equals(expected)
        || entry.startsWith(expected + "/")
        || expected.startsWith(entry + "/");
  }

  private static AgentException protocol(String message) {
    return new AgentException(AgentFailure.PROTOCOL, message);
  }
}
