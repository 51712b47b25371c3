package io.slipway.delta.encode;

import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.Reference;
import java.io.IOException;

/**
 * Encodes one piece of target content against one piece of base content with whichever of copy,
 * bsdiff, zstd patch or literal gives the fewest bytes, as content operations on a {@link
 * PayloadWriter}. Used for files in a tar and for entries inside archives. Stateless and
 * thread-safe.
 */
public interface ContentEncoder {

  /**
   * Writes operations that produce exactly {@code target} to {@code out}.
   *
   * @param reference where the base content lies, for the operations to name
   * @param referenceBytes the base content itself, {@code reference.length()} bytes
   * @param target the content to produce
   */
  void encode(Reference reference, byte[] referenceBytes, byte[] target, PayloadWriter out)
      throws IOException;

  /** Writes operations that produce exactly {@code target} with no base content. */
  void encodeLiteral(byte[] target, PayloadWriter out) throws IOException;
}
