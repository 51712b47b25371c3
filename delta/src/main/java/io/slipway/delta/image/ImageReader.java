package io.slipway.delta.image;

/**
 * Reads a platform image's manifest and config from an {@link ImageContent}, checking each against
 * its digest. Stateless and thread-safe.
 */
public final class ImageReader {

  private ImageReader() {}

  /**
   * Reads the platform manifest {@code manifestDigest} and its config.
   *
   * @throws io.slipway.delta.DeltaException {@code INVALID_IMAGE} when the manifest is an index,
   *     does not parse, or its layer count differs from the config's diff_ids; {@code
   *     DIGEST_MISMATCH} when a blob hashes to another digest; {@code WRONG_SOURCE} when a blob is
   *     absent
   */
  public static Image read(ImageContent content, Digest manifestDigest) {
    // TODO: contract only; the implementation arrives with the payload format.
    throw new UnsupportedOperationException("not yet implemented");
  }
}
