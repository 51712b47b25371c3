package io.slipway.delta.apply;

import io.slipway.delta.image.Digest;
import java.util.List;
import java.util.Objects;

/**
 * The result of applying a delta: every blob of the target image, verified, in manifest order
 * (manifest, config, layers). Immutable.
 *
 * @param sourceManifest the base image's manifest digest
 * @param targetManifest the target image's manifest digest
 * @param blobs the target's blobs
 * @param payloadBytes how many payload bytes were read
 */
public record AppliedImage(
    Digest sourceManifest, Digest targetManifest, List<AppliedBlob> blobs, long payloadBytes) {

  public AppliedImage {
    Objects.requireNonNull(sourceManifest, "sourceManifest");
    Objects.requireNonNull(targetManifest, "targetManifest");
    blobs = List.copyOf(blobs);
  }
}
