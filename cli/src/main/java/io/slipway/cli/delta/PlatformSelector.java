package io.slipway.cli.delta;

import io.slipway.builder.platform.Platform;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Picks one platform manifest out of an image index (or manifest list), following nested indexes. A
 * delta turns one platform manifest into another, so a multi-platform image needs a choice.
 * Stateless apart from its content source.
 */
final class PlatformSelector {

  /** The maximum size of an index or manifest that is read, in bytes; registries apply it too. */
  private static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

  private static final int MAX_NESTING = 4;

  private static final Set<String> INDEX_TYPES =
      Set.of(
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ImageContent content;
  private final Platform platform;

  /**
   * @param content where nested indexes are read from
   * @param platform the platform to pick, or null to accept only an image with one platform
   */
  PlatformSelector(ImageContent content, Platform platform) {
    this.content = content;
    this.platform = platform;
  }

  /**
   * Returns the platform manifest that {@code document} (the bytes of {@code digest}) is or names.
   *
   * @param name the image as the user wrote it, for messages
   * @throws CommandFailedException exit code 2 when the image has no manifest for the platform, or
   *     several platforms and no {@code --platform}; exit code 1 when a document does not parse or
   *     cannot be read
   */
  Digest select(Digest digest, byte[] document, String name) {
    return select(digest, parse(document, name, digest), name, 0);
  }

  /** Returns whether {@code document} is an index (or manifest list) rather than a manifest. */
  static boolean isIndex(JsonNode document) {
    String mediaType = document.path("mediaType").asString("");
    return INDEX_TYPES.contains(mediaType)
        || (mediaType.isEmpty() && document.has("manifests") && !document.has("layers"));
  }

  /**
   * Parses {@code document} as JSON.
   *
   * @throws CommandFailedException exit code 1 naming the image when it is not a JSON object
   */
  static JsonNode parse(byte[] document, String name, Object documentName) {
    try {
      JsonNode node = JSON.readTree(document);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JacksonException e) {
      // Reported below with the image's name.
    }
    throw new CommandFailedException(
        "The document "
            + documentName
            + " of image "
            + name
            + " is not a JSON object; the image is damaged");
  }

  private Digest select(Digest digest, JsonNode document, String name, int depth) {
    if (!isIndex(document)) {
      if (platform != null && depth == 0) {
        requireConfigPlatform(document, name);
      }
      return digest;
    }
    if (depth > MAX_NESTING) {
      throw new CommandFailedException(
          "Image " + name + " nests indexes more than " + MAX_NESTING + " deep at " + digest);
    }
    JsonNode entry = pick(document, name);
    Digest child = Digest.of(entry.path("digest").asString(""));
    if (!isIndexEntry(entry)) {
      return child;
    }
    return select(child, parse(read(child, name), name, child), name, depth + 1);
  }

  /**
   * Checks that a single-platform image is for {@link #platform}, as its config states, because a
   * delta between images of different platforms is never what a device needs.
   */
  private void requireConfigPlatform(JsonNode manifest, String name) {
    Digest configDigest;
    try {
      configDigest = Digest.of(manifest.path("config").path("digest").asString(""));
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException("The manifest of image " + name + " names no config digest");
    }
    JsonNode config = parse(read(configDigest, name), name, configDigest);
    String variant = config.path("variant").asString(null);
    boolean matches =
        platform.os().equals(config.path("os").asString(""))
            && platform.architecture().equals(config.path("architecture").asString(""))
            && (platform.variant() == null || platform.variant().equals(variant));
    if (!matches) {
      throw new CommandFailedException(
          "Image "
              + name
              + " is a single image for "
              + config.path("os").asString("?")
              + "/"
              + config.path("architecture").asString("?")
              + (variant == null ? "" : "/" + variant)
              + ", not "
              + platform,
          ExitCode.USAGE);
    }
  }

  private JsonNode pick(JsonNode index, String name) {
    List<JsonNode> candidates = new ArrayList<>();
    for (JsonNode entry : index.path("manifests")) {
      if (!isAttestation(entry) && matches(entry)) {
        candidates.add(entry);
      }
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    String available = platforms(index);
    if (candidates.isEmpty() && platform != null) {
      throw new CommandFailedException(
          "Image " + name + " has no manifest for " + platform + "; it has " + available,
          ExitCode.USAGE);
    }
    if (candidates.isEmpty()) {
      throw new CommandFailedException("Image " + name + " lists no manifest", ExitCode.USAGE);
    }
    throw new CommandFailedException(
        "Image "
            + name
            + " has several manifests ("
            + available
            + "); choose one with --platform, such as --platform linux/arm64",
        ExitCode.USAGE);
  }

  private boolean matches(JsonNode entry) {
    if (platform == null || isIndexEntry(entry)) {
      return true;
    }
    JsonNode named = entry.path("platform");
    if (named.isMissingNode()) {
      return false;
    }
    String variant = named.path("variant").asString(null);
    return platform.os().equals(named.path("os").asString(""))
        && platform.architecture().equals(named.path("architecture").asString(""))
        && (platform.variant() == null || platform.variant().equals(variant));
  }

  /** Returns whether the entry is an attestation or signature manifest, which BuildKit adds. */
  private static boolean isAttestation(JsonNode entry) {
    return "unknown".equals(entry.path("platform").path("os").asString(""))
        || entry.path("annotations").has("vnd.docker.reference.type");
  }

  private static boolean isIndexEntry(JsonNode entry) {
    return INDEX_TYPES.contains(entry.path("mediaType").asString(""));
  }

  private static String platforms(JsonNode index) {
    List<String> names = new ArrayList<>();
    for (JsonNode entry : index.path("manifests")) {
      JsonNode named = entry.path("platform");
      if (named.isMissingNode() || isAttestation(entry)) {
        continue;
      }
      String variant = named.path("variant").asString(null);
      names.add(
          named.path("os").asString("?")
              + "/"
              + named.path("architecture").asString("?")
              + (variant == null ? "" : "/" + variant));
    }
    return names.isEmpty()
        ? "no platforms named"
        : names.stream().collect(Collectors.joining(", "));
  }

  private byte[] read(Digest digest, String name) {
    try (InputStream in = content.open(digest)) {
      byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
      if (bytes.length > MAX_DOCUMENT_BYTES || !Digest.of(bytes).equals(digest)) {
        throw new CommandFailedException(
            "The blob " + digest + " of image " + name + " does not match its digest");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new CommandFailedException(
          "Image " + name + " lacks the blob " + digest, ExitCode.USAGE);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Reading " + digest + " of image " + name + " failed: " + e.getMessage());
    }
  }
}
