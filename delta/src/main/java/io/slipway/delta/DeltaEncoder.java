package io.slipway.delta;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Encodes the difference between two layers so that a device holding the old one downloads only
 * what changed. Applying a delta runs on devices, so this module depends on no server-only module.
 *
 * <p>NOTE: no implementation exists yet; binary deltas arrive with the delta format.
 */
public interface DeltaEncoder {

  /** Writes a delta that turns {@code source} into {@code target} to {@code delta}. */
  void encode(InputStream source, InputStream target, OutputStream delta);
}
