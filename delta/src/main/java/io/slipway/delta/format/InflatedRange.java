package io.slipway.delta.format;

import java.util.Objects;

/**
 * The inflated content of a raw deflate stream (no zlib or gzip wrapper) that lies in a range of a
 * base layer, such as one compressed entry of a jar. Immutable.
 *
 * @param deflated where the compressed bytes lie
 * @param length the number of bytes the stream inflates to
 */
public record InflatedRange(SourceRange deflated, long length) implements Reference {

  /**
   * @throws IllegalArgumentException naming the value when the length is negative
   */
  public InflatedRange {
    Objects.requireNonNull(deflated, "deflated");
    if (length < 0) {
      throw new IllegalArgumentException("Inflated length " + length + " is negative");
    }
  }
}
