package io.slipway.osimage.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The bytes of a raw image that configuring it replaces: non-overlapping ranges, each with its new
 * content, ordered by offset. The image's size never changes. Immutable and thread-safe.
 */
public final class ImagePatch {

  private final List<Range> ranges;

  private ImagePatch(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /** Returns a patch that changes nothing. */
  public static ImagePatch empty() {
    return new ImagePatch(List.of());
  }

  /** Returns a builder of patches. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the ranges, ordered by offset, none overlapping or touching another. */
  public List<Range> ranges() {
    return ranges;
  }

  /** Returns how many bytes the patch replaces. */
  public long patchedBytes() {
    return ranges.stream().mapToLong(range -> range.content().length).sum();
  }

  /**
   * One replaced range.
   *
   * @param offset byte offset in the raw image
   * @param content the new bytes; the array is not copied, callers must not change it
   */
  public record Range(long offset, byte[] content) {

    public Range {
      if (offset < 0) {
        throw new IllegalArgumentException("Invalid patch offset " + offset + ": use 0 or more");
      }
      if (content.length == 0) {
        throw new IllegalArgumentException("Empty patch range at offset " + offset);
      }
    }

    /** Returns the offset just past the range. */
    public long end() {
      return offset + content.length;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Range range
          && range.offset == offset
          && Arrays.equals(range.content, content);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(offset) * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
      return "Range[offset=" + offset + ", length=" + content.length + "]";
    }
  }

  /**
   * Collects writes; a later write over an earlier one wins, and writes that overlap or touch are
   * merged. Not safe for concurrent use.
   */
  public static final class Builder {

    private final NavigableMap<Long, byte[]> writes = new TreeMap<>();

    private Builder() {}

    /**
     * Records that {@code content} replaces the image's bytes at {@code offset}.
     *
     * @return this builder
     */
    public Builder write(long offset, byte[] content) {
      if (content.length == 0) {
        return this;
      }
      long end = offset + content.length;
      Map.Entry<Long, byte[]> before = writes.floorEntry(offset);
      long start = offset;
      if (before != null && before.getKey() + before.getValue().length >= offset) {
        start = before.getKey();
      }
      long mergedEnd = end;
      for (Map.Entry<Long, byte[]> entry : writes.subMap(start, true, end, true).entrySet()) {
        mergedEnd = Math.max(mergedEnd, entry.getKey() + entry.getValue().length);
      }
      byte[] merged = new byte[Math.toIntExact(mergedEnd - start)];
      for (Map.Entry<Long, byte[]> entry : writes.subMap(start, true, end, true).entrySet()) {
        byte[] old = entry.getValue();
        System.arraycopy(old, 0, merged, (int) (entry.getKey() - start), old.length);
      }
      System.arraycopy(content, 0, merged, (int) (offset - start), content.length);
      writes.subMap(start, true, end, true).clear();
      writes.put(start, merged);
      return this;
    }

    /** Returns the patch of every write so far. */
    public ImagePatch build() {
      List<Range> ranges = new ArrayList<>(writes.size());
      writes.forEach((offset, content) -> ranges.add(new Range(offset, content.clone())));
      return new ImagePatch(Collections.unmodifiableList(ranges));
    }
  }
}
