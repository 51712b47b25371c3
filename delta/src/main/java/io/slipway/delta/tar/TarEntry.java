package io.slipway.delta.tar;

import java.util.Objects;

/**
 * One member of a tar archive with the byte offsets of its parts. The header region starts at
 * {@link #headerOffset()} and covers every block that describes the member: GNU long name and long
 * link blocks, pax extended headers, the ustar header and GNU sparse extension blocks. The content
 * follows at {@link #contentOffset()}; its padding to the next 512-byte boundary is not part of
 * {@link #size()}. Immutable.
 *
 * @param path the member's path as the archive names it, after long names and pax {@code path}
 * @param linkName the link target of hard and symbolic links, empty for other members
 * @param type the header's typeflag byte, such as {@code '0'} for a regular file
 * @param headerOffset the offset of the first header block
 * @param contentOffset the offset of the first content byte, a multiple of 512
 * @param size the content's length in bytes, 0 for members without content
 */
public record TarEntry(
    String path, String linkName, byte type, long headerOffset, long contentOffset, long size) {

  /**
   * @throws IllegalArgumentException naming the member when an offset or the size is negative or
   *     the content starts before the header
   */
  public TarEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(linkName, "linkName");
    if (headerOffset < 0 || contentOffset < headerOffset || size < 0) {
      throw new IllegalArgumentException(
          "Tar member '"
              + path
              + "' has header offset "
              + headerOffset
              + ", content offset "
              + contentOffset
              + " and size "
              + size);
    }
  }

  /** Returns the offset just past the content's padding, where the next member may start. */
  public long end() {
    return contentOffset + TarReader.padded(size);
  }

  /** Returns the number of header bytes, from the first header block to the content. */
  public long headerLength() {
    return contentOffset - headerOffset;
  }

  /** Returns whether the member is a regular file (typeflag {@code '0'}, NUL or {@code '7'}). */
  public boolean isRegularFile() {
    return type == '0' || type == 0 || type == '7';
  }

  /** Returns the file name after the last slash, ignoring a trailing slash. */
  public String fileName() {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  /** Returns the directory part of the path up to and including the last slash, or empty. */
  public String directory() {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return trimmed.substring(0, trimmed.lastIndexOf('/') + 1);
  }
}
