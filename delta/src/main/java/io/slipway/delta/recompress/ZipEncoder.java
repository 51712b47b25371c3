package io.slipway.delta.recompress;

import io.slipway.delta.encode.ContentEncoder;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceRange;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Encodes a zip archive (a jar, for instance) against its previous version entry by entry, so that
 * a changed class costs its own difference rather than the difference of compressed bytes, which
 * spreads over the whole entry. The new archive is rebuilt byte for byte: headers and end records
 * go as literals or copies, unchanged entries as copies, deflated entries as their inflated content
 * recompressed with the {@link DeflateRecipe} that reproduces them, and entries that no recipe
 * reproduces as their compressed bytes. Stateless and thread-safe.
 */
public final class ZipEncoder {

  /**
   * The maximum depth of stored archives inside archives that are encoded entry by entry; deeper
   * ones are encoded as plain content.
   */
  static final int MAX_NESTING = 2;

  private ZipEncoder() {}

  /**
   * Writes content operations that produce exactly {@code newZipBytes}, when it is a zip archive
   * that can be rebuilt entry by entry; returns false writing nothing otherwise (not a zip, a
   * multi-disk or overlapping layout, either archive unreadable), and the caller then encodes the
   * file as a whole.
   *
   * @param oldZip where the old archive lies in a base layer; its length must be that of {@code
   *     oldZipBytes}
   * @param oldZipBytes the old archive
   * @param newZipBytes the new archive
   * @param entries encodes entry content, central directories and opaque entries against their old
   *     versions
   * @param out the payload, inside a layer and outside a deflate stream
   * @throws IllegalArgumentException when the range's length differs from {@code oldZipBytes}'
   * @throws IOException when writing to the payload fails, which leaves the payload unusable
   */
  public static boolean encode(
      SourceRange oldZip,
      byte[] oldZipBytes,
      byte[] newZipBytes,
      ContentEncoder entries,
      PayloadWriter out)
      throws IOException {
    return encode(oldZip, oldZipBytes, newZipBytes, entries, out, 0);
  }

  /** Like the public method, for an archive stored {@code depth} levels inside other archives. */
  static boolean encode(
      SourceRange oldZip,
      byte[] oldZipBytes,
      byte[] newZipBytes,
      ContentEncoder entries,
      PayloadWriter out,
      int depth)
      throws IOException {
    Objects.requireNonNull(entries, "entries");
    Objects.requireNonNull(out, "out");
    if (oldZip.length() != oldZipBytes.length) {
      throw new IllegalArgumentException(
          "Old zip range of "
              + oldZip.length()
              + " bytes does not match the "
              + oldZipBytes.length
              + " bytes given");
    }

    ZipArchive oldArchive;
    ZipArchive newArchive;
    try {
      oldArchive = oldZipBytes.length == 0 ? ZipArchive.EMPTY : ZipArchive.parse(oldZipBytes);
      newArchive = ZipArchive.parse(newZipBytes);
    } catch (ZipFormatException notRebuildable) {
      return false;
    }

    List<ZipPart> parts = plan(oldZipBytes, oldArchive, newZipBytes, newArchive);
    new ZipPlanWriter(oldZip, oldZipBytes, oldArchive, newZipBytes, entries, out, depth)
        .write(parts);
    return true;
  }

  /**
   * Writes content operations that produce exactly {@code newZipBytes} when no base archive matches
   * it, such as a library added in the new release. Deflated entries that a recipe reproduces go as
   * their inflated content inside deflate sections. The payload's zstd then compresses the
   * uncompressed classes, which on the test jars costs about half as much as sending the archive as
   * it is, but takes several times longer at level 19. Returns false, writing nothing, when the
   * bytes are not a zip archive that can be rebuilt entry by entry.
   *
   * @param entries writes the literal content
   * @param out the payload, inside a layer and outside a deflate stream
   */
  public static boolean encodeLiteral(byte[] newZipBytes, ContentEncoder entries, PayloadWriter out)
      throws IOException {
    return encodeLiteral(newZipBytes, entries, out, 0);
  }

  /** Like the public method, for an archive stored {@code depth} levels inside other archives. */
  static boolean encodeLiteral(
      byte[] newZipBytes, ContentEncoder entries, PayloadWriter out, int depth) throws IOException {
    // No old archive: no part of the plan refers to it, so the range is never read.
    return encode(new SourceRange(0, 0, 0), new byte[0], newZipBytes, entries, out, depth);
  }

  /** Returns how each piece of {@code newZip} is rebuilt; decides everything before writing. */
  static List<ZipPart> plan(
      byte[] oldZip, ZipArchive oldArchive, byte[] newZip, ZipArchive newArchive) {
    return new ZipPlanner(oldZip, oldArchive, newZip, newArchive).plan();
  }
}
