package io.slipway.delta.format;

/**
 * A range of the uncompressed tar of one base layer. Immutable.
 *
 * @param layer the position of the base layer in the payload header's source layer list
 * @param offset the first byte, counted from the start of the uncompressed tar
 * @param length the number of bytes, at least 0
 */
public record SourceRange(int layer, long offset, long length) implements Reference {

  /**
   * @throws IllegalArgumentException naming the value when any field is negative
   */
  public SourceRange {
    if (layer < 0 || offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Source range layer "
              + layer
              + " offset "
              + offset
              + " length "
              + length
              + " has a negative field");
    }
  }
}
