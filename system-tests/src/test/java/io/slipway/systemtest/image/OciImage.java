package io.slipway.systemtest.image;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An image that {@link OciLayoutBuilder} wrote: a manifest for one platform, or an index over one
 * manifest per platform.
 *
 * @param tag the tag it carries in the layout's {@code index.json}
 * @param mediaType media type of the top-level manifest or index
 * @param digest digest of {@link #content()}
 * @param content the exact bytes of the top-level manifest or index
 * @param platforms one entry per platform, in the order they were requested
 */
public record OciImage(
    String tag, String mediaType, String digest, byte[] content, List<PlatformImage> platforms) {

  public OciImage {
    content = content.clone();
    platforms = List.copyOf(platforms);
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  public boolean isIndex() {
    return OciMediaTypes.IMAGE_INDEX.equals(mediaType);
  }

  /** Returns the image for {@code platform}; fails when the image has none. */
  public PlatformImage platform(Platform platform) {
    return platforms.stream()
        .filter(each -> each.platform().equals(platform))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Image " + tag + " has no manifest for " + platform + "; it has " + platforms));
  }

  /** Digests of every blob the image consists of: index, manifests, configs and layers. */
  public Set<String> blobDigests() {
    Set<String> digests = new LinkedHashSet<>();
    digests.add(digest);
    for (PlatformImage each : platforms) {
      digests.add(each.manifestDigest());
      digests.add(each.configDigest());
      digests.addAll(each.layerDigests());
    }
    return digests;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OciImage image
        && tag.equals(image.tag)
        && digest.equals(image.digest)
        && Arrays.equals(content, image.content);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "OciImage[" + tag + "@" + digest + ", " + platforms.size() + " platform(s)]";
  }

  /**
   * The manifest for one platform.
   *
   * @param platform the platform its config names
   * @param manifestDigest digest of the manifest
   * @param configDigest digest of the config blob
   * @param layerDigests digests of the compressed layers, base first
   */
  public record PlatformImage(
      Platform platform, String manifestDigest, String configDigest, List<String> layerDigests) {

    public PlatformImage {
      layerDigests = List.copyOf(layerDigests);
    }
  }
}
