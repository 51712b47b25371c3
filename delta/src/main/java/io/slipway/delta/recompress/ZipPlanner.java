package io.slipway.delta.recompress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides how to rebuild each piece of a new zip archive from an old one, before anything is
 * written: which entries are unchanged, which deflated entries a recipe rebuilds, and which must be
 * kept as compressed bytes. Not thread-safe, so use one planner per archive pair.
 */
final class ZipPlanner {

  /** The maximum inflated size of an entry rebuilt through a recipe, in bytes. */
  static final int MAX_INFLATED_ENTRY_SIZE = 32 * 1024 * 1024;

  /**
   * After this many deflated entries that no recipe reproduces, the planner tries only the recipe
   * that last worked, or none. Each failed search compresses the entry up to 16 times, and such an
   * archive was most likely not written by zlib.
   */
  static final int MAX_FAILED_SEARCHES = 16;

  private final byte[] oldZip;
  private final byte[] newZip;
  private final ZipArchive newArchive;
  private final OldEntryIndex oldEntries;
  private final Map<ZipEntryInfo, Long> oldRecordEnds;
  private final Map<ZipEntryInfo, Boolean> oldInflatable = new HashMap<>();
  private DeflateRecipe preferred;
  private int failedSearches;

  ZipPlanner(byte[] oldZip, ZipArchive oldArchive, byte[] newZip, ZipArchive newArchive) {
    this.oldZip = oldZip;
    this.newZip = newZip;
    this.newArchive = newArchive;
    this.oldEntries = new OldEntryIndex(oldArchive);
    this.oldRecordEnds = recordEnds(oldArchive);
  }

  /** Returns the parts that cover the new archive from its first byte to its last, in order. */
  List<ZipPart> plan() {
    List<ZipPart> parts = new ArrayList<>();
    Map<ZipEntryInfo, Long> newRecordEnds = recordEnds(newArchive);
    long position = 0;

    for (ZipEntryInfo entry : newArchive.entries()) {
      ZipEntryInfo oldEntry = oldEntries.find(entry.name());
      addBytes(parts, position, entry.headerOffset(), -1);
      addBytes(parts, entry.headerOffset(), entry.dataOffset(), oldHeaderOffset(entry, oldEntry));
      if (entry.compressedSize() > 0) {
        parts.add(dataPart(entry, oldEntry));
      }
      long recordEnd = newRecordEnds.get(entry);
      addBytes(parts, entry.dataEnd(), recordEnd, oldTrailerOffset(entry, recordEnd, oldEntry));
      position = recordEnd;
    }

    addBytes(parts, position, newArchive.centralDirectoryOffset(), -1);
    if (newArchive.centralDirectoryLength() > 0) {
      parts.add(
          new ZipPart.Directory(
              newArchive.centralDirectoryOffset(), newArchive.centralDirectoryLength()));
    }
    addBytes(parts, newArchive.centralDirectoryEnd(), newZip.length, -1);
    return parts;
  }

  /**
   * Returns true when the content of {@code oldEntry} can be a reference: stored, or deflated and
   * inflating to its recorded size and CRC-32.
   */
  private boolean usableAsContent(ZipEntryInfo oldEntry) {
    if (oldEntry.encrypted()) {
      return false;
    }
    if (oldEntry.method() == ZipEntryInfo.METHOD_STORED) {
      return true;
    }
    return oldInflatable.computeIfAbsent(
        oldEntry,
        entry -> ZipEntryContent.inflate(oldZip, entry, MAX_INFLATED_ENTRY_SIZE).isPresent());
  }

  private ZipPart dataPart(ZipEntryInfo entry, ZipEntryInfo oldEntry) {
    if (oldEntry != null && sameData(entry, oldEntry)) {
      return new ZipPart.Unchanged(entry, oldEntry);
    }
    if (entry.encrypted()
        || (entry.method() != ZipEntryInfo.METHOD_STORED
            && entry.method() != ZipEntryInfo.METHOD_DEFLATED)) {
      return new ZipPart.Opaque(entry, oldEntry);
    }

    ZipEntryInfo contentReference = oldEntry != null && usableAsContent(oldEntry) ? oldEntry : null;
    if (entry.method() == ZipEntryInfo.METHOD_STORED) {
      return new ZipPart.Stored(entry, contentReference);
    }
    Optional<DeflateRecipe> recipe = findRecipe(entry);
    if (recipe.isEmpty()) {
      return new ZipPart.Opaque(entry, oldEntry);
    }
    return new ZipPart.Deflated(entry, recipe.get(), contentReference);
  }

  private Optional<DeflateRecipe> findRecipe(ZipEntryInfo entry) {
    Optional<byte[]> inflated = ZipEntryContent.inflate(newZip, entry, MAX_INFLATED_ENTRY_SIZE);
    if (inflated.isEmpty()) {
      return Optional.empty();
    }

    byte[] compressed = ZipEntryContent.raw(newZip, entry);
    Optional<DeflateRecipe> recipe;
    if (preferred == null && failedSearches >= MAX_FAILED_SEARCHES) {
      recipe = Optional.empty();
    } else if (failedSearches >= MAX_FAILED_SEARCHES) {
      recipe =
          DeflateReproducer.reproduces(preferred, compressed, inflated.get())
              ? Optional.of(preferred)
              : Optional.empty();
    } else {
      recipe = DeflateReproducer.find(compressed, inflated.get(), preferred);
    }

    if (recipe.isPresent()) {
      preferred = recipe.get();
    } else {
      failedSearches++;
    }
    return recipe;
  }

  private boolean sameData(ZipEntryInfo entry, ZipEntryInfo oldEntry) {
    return entry.compressedSize() == oldEntry.compressedSize()
        && Arrays.equals(
            newZip,
            (int) entry.dataOffset(),
            (int) entry.dataEnd(),
            oldZip,
            (int) oldEntry.dataOffset(),
            (int) oldEntry.dataEnd());
  }

  private long oldHeaderOffset(ZipEntryInfo entry, ZipEntryInfo oldEntry) {
    if (oldEntry == null) {
      return -1;
    }
    return sameBytes(
            entry.headerOffset(),
            entry.dataOffset() - entry.headerOffset(),
            oldEntry.headerOffset(),
            oldEntry.dataOffset() - oldEntry.headerOffset())
        ? oldEntry.headerOffset()
        : -1;
  }

  private long oldTrailerOffset(ZipEntryInfo entry, long recordEnd, ZipEntryInfo oldEntry) {
    if (oldEntry == null) {
      return -1;
    }
    long oldRecordEnd = oldRecordEnds.get(oldEntry);
    return sameBytes(
            entry.dataEnd(),
            recordEnd - entry.dataEnd(),
            oldEntry.dataEnd(),
            oldRecordEnd - oldEntry.dataEnd())
        ? oldEntry.dataEnd()
        : -1;
  }

  private boolean sameBytes(long offset, long length, long oldOffset, long oldLength) {
    return length == oldLength
        && Arrays.equals(
            newZip,
            (int) offset,
            (int) (offset + length),
            oldZip,
            (int) oldOffset,
            (int) (oldOffset + oldLength));
  }

  private static void addBytes(List<ZipPart> parts, long from, long to, long oldOffset) {
    if (to > from) {
      parts.add(new ZipPart.Bytes(from, to - from, oldOffset));
    }
  }

  /**
   * Returns, for each entry, where its record ends: the next entry's local header or the central
   * directory. The bytes between the entry data and that point are its data descriptor, if any.
   */
  private static Map<ZipEntryInfo, Long> recordEnds(ZipArchive archive) {
    Map<ZipEntryInfo, Long> ends = new HashMap<>();
    List<ZipEntryInfo> entries = archive.entries();
    for (int i = 0; i < entries.size(); i++) {
      long end =
          i + 1 < entries.size()
              ? entries.get(i + 1).headerOffset()
              : archive.centralDirectoryOffset();
      ends.put(entries.get(i), end);
    }
    return ends;
  }
}
