package io.slipway.delta.encode;

/**
 * Limits and levels of the standard encoder. Immutable.
 *
 * @param bsdiffLimit the largest reference and target, in bytes, for which bsdiff is tried. Bsdiff
 *     needs about 9 bytes of heap per reference byte, plus both inputs
 * @param zstdPatchLevel the zstd level of reference-based patches, 1 to 19
 * @param estimateLevel the zstd level used to estimate how small the outer compression makes a
 *     candidate's bytes, 1 to 19
 * @param threads how many files are encoded at once
 * @param payloadLevel the zstd level of the payload's outer stream, 1 to 22
 */
public record EncodingOptions(
    int bsdiffLimit, int zstdPatchLevel, int estimateLevel, int threads, int payloadLevel) {

  /**
   * Bsdiff up to 8 MiB, zstd patches at level 12, estimates at level 3, two threads, payload at
   * level 19.
   */
  public static final EncodingOptions DEFAULTS = new EncodingOptions(8 * 1024 * 1024, 12, 3, 2, 19);

  /**
   * @throws IllegalArgumentException naming the value when a limit is negative or a level or the
   *     thread count is out of range
   */
  public EncodingOptions {
    if (bsdiffLimit < 0) {
      throw new IllegalArgumentException("Bsdiff limit " + bsdiffLimit + " is negative");
    }
    if (zstdPatchLevel < 1 || zstdPatchLevel > 19) {
      throw new IllegalArgumentException("Zstd patch level " + zstdPatchLevel + " is not 1 to 19");
    }
    if (estimateLevel < 1 || estimateLevel > 19) {
      throw new IllegalArgumentException("Estimate level " + estimateLevel + " is not 1 to 19");
    }
    if (payloadLevel < 1 || payloadLevel > 22) {
      throw new IllegalArgumentException("Payload level " + payloadLevel + " is not 1 to 22");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("Thread count " + threads + " is below 1");
    }
  }
}
