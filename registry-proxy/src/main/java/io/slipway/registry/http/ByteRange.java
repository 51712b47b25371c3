package io.slipway.registry.http;

/**
 * One byte range of a blob, inclusive at both ends, parsed from a {@code Range: bytes=...} request
 * header.
 */
record ByteRange(long first, long last) {

  long length() {
    return last - first + 1;
  }

  /**
   * Parses a single-range header against a blob of {@code size} bytes. Returns null when the header
   * is absent or requests several ranges, and the caller then sends the whole blob.
   *
   * @throws UnsatisfiableRangeException when the range lies outside the blob or is malformed
   */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    if (!value.startsWith("bytes=")) {
      throw new UnsatisfiableRangeException(header);
    }
    String spec = value.substring("bytes=".length()).trim();
    if (spec.contains(",")) {
      return null;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw new UnsatisfiableRangeException(header);
    }
    try {
      String start = spec.substring(0, dash).trim();
      String end = spec.substring(dash + 1).trim();
      if (start.isEmpty()) {
        long suffix = Long.parseLong(end);
        if (suffix <= 0 || size == 0) {
          throw new UnsatisfiableRangeException(header);
        }
        return new ByteRange(Math.max(0, size - suffix), size - 1);
      }
      long first = Long.parseLong(start);
      long last = end.isEmpty() ? size - 1 : Math.min(Long.parseLong(end), size - 1);
      if (first < 0 || first >= size || last < first) {
        throw new UnsatisfiableRangeException(header);
      }
      return new ByteRange(first, last);
    } catch (NumberFormatException e) {
      throw new UnsatisfiableRangeException(header);
    }
  }

  /** Thrown for a Range header that no part of the blob satisfies. */
  static final class UnsatisfiableRangeException extends RuntimeException {
    UnsatisfiableRangeException(String header) {
      super("Range '" + header + "' cannot be satisfied");
    }
  }
}
