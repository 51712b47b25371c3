package io.slipway.delta.format;

/**
 * Bytes of the base image that a payload operation reads: a range of a base layer's uncompressed
 * tar, or the inflated content of a raw deflate stream stored in such a range (a zip entry).
 */
public sealed interface Reference permits SourceRange, InflatedRange {

  /** Returns the number of bytes the reference yields. */
  long length();
}
