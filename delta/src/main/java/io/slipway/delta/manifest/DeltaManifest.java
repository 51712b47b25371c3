package io.slipway.delta.manifest;

import io.slipway.delta.format.DeltaFormat;
import io.slipway.delta.image.Digest;
import java.util.Objects;

/**
 * What a signed delta manifest states about one delta payload. A device verifies the manifest's
 * signature, then checks that the source is the image it runs, the target the one it wants, and
 * that the payload it downloads has this size and digest. Immutable.
 *
 * @param source the base image's platform manifest digest
 * @param target the target image's platform manifest digest
 * @param formatVersion the payload format version
 * @param payloadSize the payload's size in bytes
 * @param payloadDigest the payload's SHA-256 digest
 */
public record DeltaManifest(
    Digest source, Digest target, int formatVersion, long payloadSize, Digest payloadDigest) {

  /**
   * @throws IllegalArgumentException naming the value when source equals target or size < 1
   */
  public DeltaManifest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(payloadDigest, "payloadDigest");
    if (source.equals(target)) {
      throw new IllegalArgumentException("A delta from " + source + " to itself is empty");
    }
    if (formatVersion < 1) {
      throw new IllegalArgumentException("Delta format version " + formatVersion + " is unknown");
    }
    if (payloadSize < 1) {
      throw new IllegalArgumentException("Delta payload size " + payloadSize + " is not positive");
    }
  }

  /** Returns a manifest for a payload in the format this code writes. */
  public static DeltaManifest current(
      Digest source, Digest target, long payloadSize, Digest payloadDigest) {
    return new DeltaManifest(source, target, DeltaFormat.VERSION, payloadSize, payloadDigest);
  }
}
