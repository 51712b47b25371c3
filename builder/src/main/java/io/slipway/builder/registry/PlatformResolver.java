package io.slipway.builder.registry;

import io.slipway.builder.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Picks the manifest of an image for one platform: from the {@code manifests} of an index or
 * manifest list, or from the config of a single manifest. Stateless apart from its client.
 */
final class PlatformResolver {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final RegistryClient client;

  PlatformResolver(RegistryClient client) {
    this.client = client;
  }

  String resolve(ImageReference image, Platform platform) {
    Manifest top = client.getManifest(image.repository(), image.reference());
    JsonNode document = parse(top, image);
    String mediaType = effectiveType(top, document);
    if (MediaTypes.isIndex(mediaType)) {
      return fromIndex(image, document, platform);
    }
    if (MediaTypes.isManifest(mediaType)) {
      return fromManifest(image, top, document, platform);
    }
    throw new RegistryException(
        image.repository(),
        image.reference(),
        200,
        "the registry answered with media type '"
            + mediaType
            + "', which is neither a manifest nor an index");
  }

  private String fromIndex(ImageReference image, JsonNode index, Platform platform) {
    List<Platform> available = new ArrayList<>();
    for (JsonNode entry : index.path("manifests")) {
      Platform entryPlatform = platformOf(entry.path("platform"));
      if (entryPlatform == null) {
        continue;
      }
      if (matches(entryPlatform, platform)) {
        return image.pinned(entry.path("digest").asString());
      }
      available.add(entryPlatform);
    }
    throw new PlatformNotFoundException(image.repository(), image.reference(), platform, available);
  }

  private String fromManifest(
      ImageReference image, Manifest manifest, JsonNode document, Platform platform) {
    String configDigest = document.path("config").path("digest").asString("");
    if (configDigest.isEmpty()) {
      throw new RegistryException(
          image.repository(), image.reference(), 200, "the manifest names no config");
    }
    byte[] config = client.readBlob(image.repository(), configDigest);
    Platform configPlatform;
    try {
      configPlatform = platformOf(JSON.readTree(config));
    } catch (JacksonException e) {
      throw new RegistryException(
          image.repository(), configDigest, 200, "the image config is not JSON", e);
    }
    if (configPlatform != null && matches(configPlatform, platform)) {
      return image.pinned(manifest.digest());
    }
    throw new PlatformNotFoundException(
        image.repository(),
        image.reference(),
        platform,
        configPlatform == null ? List.of() : List.of(configPlatform));
  }

  /**
   * Compares as container engines do: the same os and architecture, and the same variant when the
   * wanted platform names one; {@code arm64} and {@code arm64/v8} are the same platform.
   */
  static boolean matches(Platform offered, Platform wanted) {
    if (!offered.os().equals(wanted.os())
        || !offered.architecture().equals(wanted.architecture())) {
      return false;
    }
    return Objects.equals(normalVariant(offered), normalVariant(wanted));
  }

  private static String normalVariant(Platform platform) {
    if (platform.architecture().equals("arm64") && "v8".equals(platform.variant())) {
      return null;
    }
    return platform.variant();
  }

  /** Reads {@code os}, {@code architecture} and {@code variant}, or null for unknown entries. */
  private static Platform platformOf(JsonNode node) {
    String os = node.path("os").asString("");
    String architecture = node.path("architecture").asString("");
    String variant = node.path("variant").asString("");
    if (os.isEmpty() || architecture.isEmpty() || os.equals("unknown")) {
      return null;
    }
    try {
      return new Platform(os, architecture, variant.isEmpty() ? null : variant);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static JsonNode parse(Manifest manifest, ImageReference image) {
    try {
      return JSON.readTree(manifest.bytes());
    } catch (JacksonException e) {
      throw new RegistryException(
          image.repository(), image.reference(), 200, "the manifest is not JSON", e);
    }
  }

  /** Prefers the document's own mediaType field; some registries return a generic Content-Type. */
  private static String effectiveType(Manifest manifest, JsonNode document) {
    String declared = document.path("mediaType").asString("");
    if (!declared.isEmpty()) {
      return declared;
    }
    if (document.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    return document.has("config") ? MediaTypes.OCI_MANIFEST : manifest.mediaType();
  }
}
