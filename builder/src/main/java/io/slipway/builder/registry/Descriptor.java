package io.slipway.builder.registry;

import io.slipway.builder.platform.Platform;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OCI content descriptor of a manifest: media type, digest, size and, inside an index, the
 * platform it is for. Immutable.
 *
 * @param mediaType the manifest's media type
 * @param digest {@code sha256:} and 64 hex digits
 * @param size the manifest's size in bytes
 * @param platform the platform it is for, or null outside an index
 */
public record Descriptor(String mediaType, String digest, long size, Platform platform) {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * @throws IllegalArgumentException naming the digest or size when it is malformed
   */
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "Descriptor digest '" + digest + "' is not sha256:<64 hex>");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("Descriptor size " + size + " must be positive");
    }
  }

  /** Returns the descriptor of {@code manifest} for {@code platform}. */
  public static Descriptor of(Manifest manifest, Platform platform) {
    return new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), platform);
  }
}
