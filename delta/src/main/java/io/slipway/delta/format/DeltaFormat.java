package io.slipway.delta.format;

/** Constants of the delta payload format; docs/delta.md specifies the format byte by byte. */
public final class DeltaFormat {

  /** The format version that this code writes and the only one it reads. */
  public static final int VERSION = 1;

  /**
   * The largest reference, in bytes, that a zstd patch may use as its dictionary. Applying holds
   * one such reference in memory, so this bounds the applier's heap.
   */
  public static final int MAX_ZSTD_REFERENCE = 16 * 1024 * 1024;

  /** The largest target, in bytes, that one zstd patch may produce. */
  public static final int MAX_ZSTD_TARGET = 16 * 1024 * 1024;

  /**
   * The maximum window log of a zstd patch's frame: 25, a 32 MiB window, which covers the largest
   * reference plus the largest target. Encoders set at most this; the applier rejects larger.
   */
  public static final int MAX_ZSTD_PATCH_WINDOW_LOG = 25;

  /**
   * The largest inflated length, in bytes, of an inflated-range reference. The maker inflates zip
   * entries of at most 32 MiB and gzip files of at most 16 MiB, and the applier inflates a bsdiff
   * patch's whole reference to a scratch file, so this bounds that file.
   */
  public static final long MAX_INFLATED_REFERENCE = 32L * 1024 * 1024;

  /**
   * The highest zstd level a layer's recipe may name. The applier recompresses with it, and at
   * levels 20 to 22 zstd's streaming compressor needs several hundred MiB of native memory (an
   * estimate from their window and table sizes). The maker never finds recipes above 19.
   */
  public static final int MAX_ZSTD_RECIPE_LEVEL = 19;

  private DeltaFormat() {}
}
