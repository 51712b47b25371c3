package io.slipway.builder;

import io.slipway.builder.platform.Platform;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The manifest an engine pushed for one platform. Immutable.
 *
 * @param platform the platform it was built for
 * @param digest the manifest's digest, {@code sha256:} and 64 hex digits
 * @param mediaType the manifest's media type (OCI or Docker schema 2)
 * @param size the manifest's size in bytes
 */
public record BuildResult(Platform platform, String digest, String mediaType, long size) {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * @throws IllegalArgumentException naming the digest or size when it is malformed
   */
  public BuildResult {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(mediaType, "mediaType");
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("Manifest digest '" + digest + "' is not sha256:<64 hex>");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("Manifest size " + size + " must be positive");
    }
  }
}
