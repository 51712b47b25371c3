package io.slipway.delta.apply;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;

/**
 * Bounds the work that one apply may do beyond writing its layers: bytes inflated from base
 * references and bytes compressed into deflate sections. A payload that does not match its signed
 * digest is only caught at its end, so without a bound a few records could keep a device busy
 * inflating or compressing for hours first. Not thread-safe; one per apply.
 */
final class ExpansionBudget {

  /** Expansion allowed per byte of the target's layer blobs, beyond {@link #ALLOWANCE}. */
  static final long FACTOR = 16;

  /** Expansion allowed whatever the layer sizes, in bytes. */
  static final long ALLOWANCE = 256L * 1024 * 1024;

  private final long limit;
  private long used;

  private ExpansionBudget(long limit) {
    this.limit = limit;
  }

  /** Returns a budget for a target whose layer blobs add up to {@code layerBytes}. */
  static ExpansionBudget forLayers(long layerBytes) {
    if (layerBytes > (Long.MAX_VALUE - ALLOWANCE) / FACTOR) {
      return new ExpansionBudget(Long.MAX_VALUE);
    }
    return new ExpansionBudget(layerBytes * FACTOR + ALLOWANCE);
  }

  /**
   * Charges {@code bytes} of expansion.
   *
   * @throws DeltaException {@code CORRUPT_PAYLOAD} when the total passes the limit
   */
  void charge(long bytes) {
    used += bytes;
    if (used < 0 || used > limit) {
      throw new DeltaException(
          DeltaFailure.CORRUPT_PAYLOAD,
          "The payload is corrupt: it expands base content and archive entries to more than "
              + limit
              + " bytes, far beyond what its target's layers need; download it again");
    }
  }
}
