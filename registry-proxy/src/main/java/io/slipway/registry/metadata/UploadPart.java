package io.slipway.registry.metadata;

/**
 * One received chunk of a blob upload, stored as a whole object.
 *
 * @param startOffset offset of its first byte within the blob
 * @param size length in bytes
 * @param sha256Hex SHA-256 of the chunk alone
 */
public record UploadPart(long startOffset, long size, String sha256Hex) {

  /** Returns the offset just past this chunk. */
  public long endOffset() {
    return startOffset + size;
  }
}
