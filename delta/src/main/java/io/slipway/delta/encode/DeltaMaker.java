package io.slipway.delta.encode;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Makes the delta payload that turns one platform image into another. Each target layer the base
 * holds is reused; each new layer is encoded against all the base's layers, file by file: files are
 * matched by path, then by content, and archives (jars, zips) entry by entry. Runs on the server
 * and in the CLI. Each call is independent; one maker may serve concurrent calls.
 */
public interface DeltaMaker {

  /**
   * Writes the payload turning {@code sourceManifest} into {@code targetManifest} to {@code
   * payload}.
   *
   * @param source where the base image's blobs come from
   * @param target where the target image's blobs come from
   * @param scratch a directory for temporary files (uncompressed layers), emptied before return
   * @return what was made: sizes and how each layer was encoded
   * @throws io.slipway.delta.DeltaException {@code INVALID_IMAGE} or {@code DIGEST_MISMATCH} when
   *     an input image is malformed; {@code IO} when a read or write fails
   */
  DeltaSummary make(
      ImageContent source,
      Digest sourceManifest,
      ImageContent target,
      Digest targetManifest,
      OutputStream payload,
      Path scratch);

  /** Returns the standard maker with {@link EncodingOptions#DEFAULTS}. */
  static DeltaMaker standard() {
    return standard(EncodingOptions.DEFAULTS);
  }

  /** Returns the standard maker with {@code options}. */
  static DeltaMaker standard(EncodingOptions options) {
    return new TarDeltaMaker(options);
  }
}
