package io.slipway.api.delta;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one byte range of a {@code Range} request header that a payload download serves, resolved
 * against the payload's size. Immutable.
 *
 * @param first the first byte, counted from 0
 * @param last the last byte, inclusive
 */
record ByteRange(long first, long last) {

  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("Byte range " + first + "-" + last + " is empty");
    }
  }

  /** What a {@code Range} header asks of an object of a given size. */
  sealed interface Request {}

  /** The whole object: no header, or one this server ignores (several ranges, bad syntax). */
  record Whole() implements Request {}

  /** One satisfiable range. */
  record Partial(ByteRange range) implements Request {}

  /** A range that starts at or past the end, or a suffix of length 0. */
  record Unsatisfiable() implements Request {}

  /**
   * Resolves {@code header} against an object of {@code size} bytes. Only a single range is served,
   * as RFC 9110 allows: a header with several ranges, another unit or bad syntax is ignored, and
   * the whole object is sent.
   */
  static Request parse(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    Matcher matcher = SINGLE.matcher(header.strip());
    if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
      return new Whole();
    }
    long first;
    long last;
    try {
      if (matcher.group(1).isEmpty()) {
        return suffix(Long.parseLong(matcher.group(2)), size);
      }
      first = Long.parseLong(matcher.group(1));
      last = matcher.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(matcher.group(2));
    } catch (NumberFormatException e) {
      // Past Long.MAX_VALUE: no object is that large, so treat it as syntax this server ignores.
      return new Whole();
    }
    if (last < first) {
      return new Whole();
    }
    if (first >= size) {
      return new Unsatisfiable();
    }
    return new Partial(new ByteRange(first, Math.min(last, size - 1)));
  }

  private static Request suffix(long length, long size) {
    if (length == 0 || size == 0) {
      return new Unsatisfiable();
    }
    return new Partial(new ByteRange(Math.max(0, size - length), size - 1));
  }

  /** Returns the number of bytes in the range. */
  long length() {
    return last - first + 1;
  }

  /** Returns the {@code Content-Range} value for an object of {@code size} bytes. */
  String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }
}
