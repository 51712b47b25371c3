package io.slipway.delta.recompress;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The layout of a zip archive held in memory: its entries in the order of their local headers and
 * where its central directory lies. Parsed from the end of central directory record (and its zip64
 * form) through the central directory to each local header. Immutable.
 *
 * @param entries the entries sorted by local header offset; their ranges do not overlap
 * @param centralDirectoryOffset where the central directory starts
 * @param centralDirectoryLength the central directory's size in bytes
 */
record ZipArchive(
    List<ZipEntryInfo> entries, long centralDirectoryOffset, long centralDirectoryLength) {

  private static final int LOCAL_HEADER_SIGNATURE = 0x04034b50;
  private static final int CENTRAL_HEADER_SIGNATURE = 0x02014b50;
  private static final int END_SIGNATURE = 0x06054b50;
  private static final int ZIP64_END_SIGNATURE = 0x06064b50;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int ZIP64_EXTRA_ID = 0x0001;

  private static final int LOCAL_HEADER_LENGTH = 30;
  private static final int CENTRAL_HEADER_LENGTH = 46;
  private static final int END_LENGTH = 22;
  private static final int ZIP64_END_LENGTH = 56;
  private static final int ZIP64_LOCATOR_LENGTH = 20;
  private static final int MAX_COMMENT_LENGTH = 0xffff;
  private static final long UNSIGNED_INT_MAX = 0xffffffffL;
  private static final int FLAG_UTF8 = 0x800;

  /** An archive with no entries and no central directory: the base of an added archive. */
  static final ZipArchive EMPTY = new ZipArchive(List.of(), 0, 0);

  ZipArchive {
    entries = List.copyOf(entries);
  }

  /** Returns true when {@code bytes} start with a local file header, as most zip archives do. */
  static boolean startsWithLocalHeader(byte[] bytes) {
    return bytes.length >= 4 && new ZipBytes(bytes).u32(0) == LOCAL_HEADER_SIGNATURE;
  }

  /** Returns the offset of the first byte after the central directory. */
  long centralDirectoryEnd() {
    return centralDirectoryOffset + centralDirectoryLength;
  }

  /** Returns the entries by name; for a name stored twice, the first entry. */
  Map<String, ZipEntryInfo> entriesByName() {
    Map<String, ZipEntryInfo> byName = new HashMap<>();
    for (ZipEntryInfo entry : entries) {
      byName.putIfAbsent(entry.name(), entry);
    }
    return byName;
  }

  /**
   * Parses the layout of {@code zip}.
   *
   * @throws ZipFormatException naming the offset when the bytes are not a single-disk zip archive
   *     whose entries lie one after another before the central directory
   */
  static ZipArchive parse(byte[] zip) throws ZipFormatException {
    int end =
        findEnd(zip)
            .orElseThrow(() -> new ZipFormatException("End of central directory record not found"));
    ZipBytes bytes = new ZipBytes(zip);
    if (bytes.u16(end + 4) != 0 || bytes.u16(end + 6) != 0) {
      throw new ZipFormatException("Archive spans several disks");
    }

    long entryCount = bytes.u16(end + 10);
    long directoryLength = bytes.u32(end + 12);
    long directoryOffset = bytes.u32(end + 16);
    long directoryLimit = end;
    Optional<Long> zip64End = findZip64End(bytes, end);
    if (zip64End.isPresent()) {
      long at = zip64End.get();
      entryCount = bytes.u64(at + 32);
      directoryLength = bytes.u64(at + 40);
      directoryOffset = bytes.u64(at + 48);
      directoryLimit = at;
    }
    if (directoryOffset < 0
        || directoryLength < 0
        || directoryOffset + directoryLength > directoryLimit) {
      throw new ZipFormatException(
          "Central directory at " + directoryOffset + " runs past its end record at " + end);
    }

    List<ZipEntryInfo> entries =
        readCentralDirectory(bytes, directoryOffset, directoryLength, entryCount);
    checkNoOverlap(entries, directoryOffset);
    return new ZipArchive(entries, directoryOffset, directoryLength);
  }

  private static Optional<Integer> findEnd(byte[] zip) {
    ZipBytes bytes = new ZipBytes(zip);
    int lowest = Math.max(0, zip.length - END_LENGTH - MAX_COMMENT_LENGTH);
    for (int at = zip.length - END_LENGTH; at >= lowest; at--) {
      if (bytes.u32(at) == END_SIGNATURE && at + END_LENGTH + bytes.u16(at + 20) <= zip.length) {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }

  private static Optional<Long> findZip64End(ZipBytes bytes, int end) throws ZipFormatException {
    int locator = end - ZIP64_LOCATOR_LENGTH;
    if (locator < 0 || bytes.u32(locator) != ZIP64_LOCATOR_SIGNATURE) {
      return Optional.empty();
    }
    long at = bytes.u64(locator + 8);
    if (at < 0 || at + ZIP64_END_LENGTH > locator || bytes.u32(at) != ZIP64_END_SIGNATURE) {
      throw new ZipFormatException("Zip64 end record at " + at + " is missing or cut short");
    }
    return Optional.of(at);
  }

  private static List<ZipEntryInfo> readCentralDirectory(
      ZipBytes bytes, long offset, long length, long entryCount) throws ZipFormatException {
    List<ZipEntryInfo> entries = new ArrayList<>();
    long at = offset;
    long limit = offset + length;
    while (at < limit) {
      if (at + CENTRAL_HEADER_LENGTH > limit || bytes.u32(at) != CENTRAL_HEADER_SIGNATURE) {
        throw new ZipFormatException("No central directory header at " + at);
      }
      int recordLength =
          CENTRAL_HEADER_LENGTH + bytes.u16(at + 28) + bytes.u16(at + 30) + bytes.u16(at + 32);
      if (at + recordLength > limit) {
        throw new ZipFormatException("Central directory header at " + at + " is cut short");
      }
      entries.add(readEntry(bytes, at));
      at += recordLength;
    }
    if (entries.size() != entryCount) {
      throw new ZipFormatException(
          "Central directory contains "
              + entries.size()
              + " entries but its end record counts "
              + entryCount);
    }
    entries.sort(Comparator.comparingLong(ZipEntryInfo::headerOffset));
    return entries;
  }

  private static ZipEntryInfo readEntry(ZipBytes bytes, long at) throws ZipFormatException {
    int flags = bytes.u16(at + 8);
    int method = bytes.u16(at + 10);
    long crc = bytes.u32(at + 16);
    int nameLength = bytes.u16(at + 28);
    int extraLength = bytes.u16(at + 30);
    long nameOffset = at + CENTRAL_HEADER_LENGTH;
    String name = bytes.string(nameOffset, nameLength, nameCharset(flags));

    long[] sizes = {bytes.u32(at + 24), bytes.u32(at + 20), bytes.u32(at + 42)};
    readZip64Extra(bytes, nameOffset + nameLength, extraLength, sizes);
    if (bytes.u16(at + 34) != 0 && bytes.u16(at + 34) != 0xffff) {
      throw new ZipFormatException("Entry " + name + " starts on another disk");
    }
    long headerOffset = sizes[2];
    long dataOffset = localDataOffset(bytes, headerOffset, method, name);
    return new ZipEntryInfo(name, flags, method, crc, sizes[1], sizes[0], headerOffset, dataOffset);
  }

  /**
   * Replaces the uncompressed size, compressed size and local header offset in {@code sizes}, in
   * that order, with their zip64 values where the 32-bit field is saturated.
   */
  private static void readZip64Extra(ZipBytes bytes, long offset, int length, long[] sizes)
      throws ZipFormatException {
    long at = offset;
    while (at + 4 <= offset + length) {
      int id = bytes.u16(at);
      int size = bytes.u16(at + 2);
      if (id == ZIP64_EXTRA_ID) {
        long field = at + 4;
        for (int i = 0; i < sizes.length; i++) {
          if (sizes[i] == UNSIGNED_INT_MAX) {
            if (field + 8 > at + 4 + size) {
              throw new ZipFormatException("Zip64 extra field at " + at + " is cut short");
            }
            sizes[i] = bytes.u64(field);
            field += 8;
          }
        }
        return;
      }
      at += 4 + size;
    }
  }

  private static long localDataOffset(ZipBytes bytes, long headerOffset, int method, String name)
      throws ZipFormatException {
    if (headerOffset < 0
        || headerOffset + LOCAL_HEADER_LENGTH > bytes.length()
        || bytes.u32(headerOffset) != LOCAL_HEADER_SIGNATURE) {
      throw new ZipFormatException("No local header for " + name + " at " + headerOffset);
    }
    long at = headerOffset;
    if (bytes.u16(at + 8) != method) {
      throw new ZipFormatException(
          "Local header of " + name + " names another method than the central directory");
    }
    return headerOffset + LOCAL_HEADER_LENGTH + bytes.u16(at + 26) + bytes.u16(at + 28);
  }

  private static void checkNoOverlap(List<ZipEntryInfo> entries, long directoryOffset)
      throws ZipFormatException {
    List<ZipEntryInfo> sorted = entries;
    for (int i = 0; i < sorted.size(); i++) {
      ZipEntryInfo entry = sorted.get(i);
      long limit = i + 1 < sorted.size() ? sorted.get(i + 1).headerOffset() : directoryOffset;
      if (entry.compressedSize() < 0 || entry.dataEnd() > limit) {
        throw new ZipFormatException(
            "Entry " + entry.name() + " at " + entry.headerOffset() + " overlaps the next record");
      }
    }
  }

  private static Charset nameCharset(int flags) {
    // Names without the UTF-8 flag are CP437; ISO-8859-1 keeps each byte as one char, which is
    // enough to match names between two archives.
    return (flags & FLAG_UTF8) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
  }
}
