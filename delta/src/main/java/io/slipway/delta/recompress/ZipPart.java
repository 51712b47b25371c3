package io.slipway.delta.recompress;

import java.util.Objects;

/**
 * One piece of a zip archive to rebuild, in the order of the archive's bytes. Pieces that name an
 * old entry are encoded against it; {@code oldEntry} is null when {@link OldEntryIndex} pairs none
 * with the new entry.
 */
sealed interface ZipPart {

  /**
   * Bytes of the new archive outside entry data: headers, data descriptors, end records.
   *
   * @param oldOffset where the old archive has the same bytes, or -1
   */
  record Bytes(long offset, long length, long oldOffset) implements ZipPart {}

  /** The central directory, encoded against the old one. */
  record Directory(long offset, long length) implements ZipPart {}

  /** Entry data whose compressed bytes equal those of its old entry. */
  record Unchanged(ZipEntryInfo entry, ZipEntryInfo oldEntry) implements ZipPart {
    public Unchanged {
      Objects.requireNonNull(oldEntry, "oldEntry");
    }
  }

  /** Data of a stored entry: its bytes as they are. */
  record Stored(ZipEntryInfo entry, ZipEntryInfo oldEntry) implements ZipPart {}

  /** Data of a deflated entry that {@code recipe} rebuilds from its inflated bytes. */
  record Deflated(ZipEntryInfo entry, DeflateRecipe recipe, ZipEntryInfo oldEntry)
      implements ZipPart {
    public Deflated {
      Objects.requireNonNull(recipe, "recipe");
    }
  }

  /** Entry data kept as compressed bytes: no recipe rebuilds it, or it is not deflate. */
  record Opaque(ZipEntryInfo entry, ZipEntryInfo oldEntry) implements ZipPart {}
}
