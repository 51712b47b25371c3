package io.slipway.delta.recompress;

/**
 * One entry of a zip archive as its central directory and local header describe it, with the byte
 * offsets that rebuilding the archive needs. Immutable.
 *
 * @param name the entry name as stored, decoded as UTF-8 when the general purpose flag sets the
 *     UTF-8 bit, else as ISO-8859-1
 * @param flags the general purpose bit flag of the central directory record
 * @param method the compression method: 0 stored, 8 deflated, others kept as opaque bytes
 * @param crc32 the CRC-32 of the uncompressed data
 * @param compressedSize the size of the entry data in the archive, in bytes
 * @param uncompressedSize the size of the data once inflated, in bytes
 * @param headerOffset where the entry's local header starts
 * @param dataOffset where the entry data starts, just after the local header
 */
record ZipEntryInfo(
    String name,
    int flags,
    int method,
    long crc32,
    long compressedSize,
    long uncompressedSize,
    long headerOffset,
    long dataOffset) {

  static final int METHOD_STORED = 0;
  static final int METHOD_DEFLATED = 8;
  private static final int FLAG_ENCRYPTED = 0x01;

  /** Returns the first byte after the entry data. */
  long dataEnd() {
    return dataOffset + compressedSize;
  }

  /** Returns true when the data is encrypted and so can only be carried as opaque bytes. */
  boolean encrypted() {
    return (flags & FLAG_ENCRYPTED) != 0;
  }
}
