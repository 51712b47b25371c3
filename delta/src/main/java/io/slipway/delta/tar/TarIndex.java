package io.slipway.delta.tar;

import java.util.List;

/**
 * The members of a tar archive in archive order, and where the parsed part ends. Bytes from {@link
 * #end()} to the end of the file (the end-of-archive blocks, trailing padding, or anything that did
 * not parse as tar) belong to no member. Immutable.
 *
 * @param entries the members in archive order
 * @param end the offset just past the last parsed member
 * @param size the archive's size in bytes
 */
public record TarIndex(List<TarEntry> entries, long end, long size) {

  /**
   * @throws IllegalArgumentException naming the values when the end lies outside the archive
   */
  public TarIndex {
    entries = List.copyOf(entries);
    if (end < 0 || end > size) {
      throw new IllegalArgumentException(
          "Tar index end " + end + " lies outside an archive of " + size + " bytes");
    }
  }
}
