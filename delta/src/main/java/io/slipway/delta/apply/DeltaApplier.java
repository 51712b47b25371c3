package io.slipway.delta.apply;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Applies a delta payload to a base image as the payload streams in, with bounded memory: the heap
 * it needs stays under 64 MiB whatever the layer sizes, because content flows through in small
 * buffers and a zstd patch holds at most one reference of {@link
 * io.slipway.delta.format.DeltaFormat#MAX_ZSTD_REFERENCE} bytes. Base layers that operations read
 * are expanded to uncompressed files in the scratch directory first (disk, not memory).
 *
 * <p>Writes only into the staging directory: never into the base. Every blob is verified (manifest
 * and config by digest, layers by blob digest and diff_id) before {@link #apply} returns; on any
 * failure it throws and leaves no verified-looking file behind. One applier per call; not
 * thread-safe.
 */
public final class DeltaApplier {

  /**
   * @param scratch a directory for expanded base layers and partial files, emptied after each call
   */
  public DeltaApplier(Path scratch) {
    // TODO: contract only; filled with the payload format.
  }

  /**
   * Applies {@code payload} to the base image {@code expectedSource} read from {@code base},
   * writing the target's new blobs into {@code staging}, each file named by its hex digest.
   *
   * @param expectedTarget the target manifest digest the caller asked for (from the verified delta
   *     manifest); the payload must name the same
   * @return the verified target image
   * @throws io.slipway.delta.DeltaException {@code UNSUPPORTED_FORMAT}, {@code CORRUPT_PAYLOAD},
   *     {@code TRUNCATED_PAYLOAD}, {@code WRONG_SOURCE} (the payload names another base, or the
   *     base lacks a blob), {@code DIGEST_MISMATCH}, {@code IO}
   */
  public AppliedImage apply(
      InputStream payload,
      ImageContent base,
      Digest expectedSource,
      Digest expectedTarget,
      Path staging) {
    // TODO: contract only; filled with the payload format.
    throw new UnsupportedOperationException("not yet implemented");
  }
}
