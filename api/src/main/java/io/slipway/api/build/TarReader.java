package io.slipway.api.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the entries of a tar stream: POSIX ustar, with pax extended headers ({@code path}, {@code
 * linkpath}, {@code size}) and GNU long names. Not thread-safe; one reader per stream.
 *
 * <p>Each call of {@link #next} skips what is left of the previous entry's data. The data of the
 * current entry is read through {@link #read(byte[], int, int)}.
 */
final class TarReader {

  static final int BLOCK = 512;

  /** Maximum length of a name or link target taken from a pax header or GNU long-name entry. */
  private static final int MAX_LONG_NAME = 64 * 1024;

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long remaining;
  private long padding;

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The kinds of tar entries. */
  enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARD_LINK,
    CHARACTER_DEVICE,
    BLOCK_DEVICE,
    FIFO,
    OTHER
  }

  /**
   * One entry's header.
   *
   * @param name the path as stored, not yet checked
   * @param type what the entry is
   * @param mode permission bits, such as {@code 0755}
   * @param size bytes of data that follow, for files
   * @param linkName target of a link, or empty
   * @param modified modification time in whole seconds since the epoch, as stored (pax {@code
   *     mtime} or the header field); negative values are kept as stored
   */
  record Entry(String name, Type type, int mode, long size, String linkName, long modified) {}

  /**
   * Returns the next entry, or null at the end of the archive.
   *
   * @throws SourceArchiveException for a malformed header or an archive that ends early
   */
  Entry next() throws IOException {
    skipRest();
    Map<String, String> pax = new HashMap<>();
    String longName = null;
    String longLink = null;

    while (true) {
      if (!readHeader()) {
        return null;
      }
      char flag = (char) (header[156] & 0xff);
      long size = number(124, 12);
      if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
        String text = readText(size);
        switch (flag) {
          case 'x' -> pax.putAll(parsePax(text));
          case 'L' -> longName = stripNul(text);
          case 'K' -> longLink = stripNul(text);
          default -> {
            // Global pax headers carry defaults such as a comment; none changes extraction.
          }
        }
        continue;
      }

      String name = pax.getOrDefault("path", longName != null ? longName : ustarName());
      String link = pax.getOrDefault("linkpath", longLink != null ? longLink : string(157, 100));
      if (pax.containsKey("size")) {
        size = parseSize(pax.get("size"), name);
      }
      Type type = type(flag, name);
      // Links, directories and devices carry no data to extract, but their size field may still
      // claim some, which is skipped.
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      long modified = pax.containsKey("mtime") ? paxSeconds(pax.get("mtime")) : number(136, 12);
      return new Entry(
          name, type, (int) number(100, 8), type == Type.FILE ? size : 0, link, modified);
    }
  }

  /** Reads data of the current entry; returns -1 at its end. */
  int read(byte[] buffer, int offset, int length) throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(buffer, offset, (int) Math.min(length, remaining));
    if (n < 0) {
      throw new SourceArchiveException("The tar archive ends in the middle of an entry's data");
    }
    remaining -= n;
    return n;
  }

  private void skipRest() throws IOException {
    skip(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private void skip(long count) throws IOException {
    byte[] buffer = new byte[8192];
    long left = count;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new SourceArchiveException("The tar archive ends in the middle of an entry's data");
      }
      left -= n;
    }
  }

  /** Reads one header block; false at the end marker or at a clean end of the stream. */
  private boolean readHeader() throws IOException {
    int filled = 0;
    while (filled < BLOCK) {
      int n = in.read(header, filled, BLOCK - filled);
      if (n < 0) {
        if (filled == 0) {
          return false;
        }
        throw new SourceArchiveException("The tar archive ends in the middle of a header");
      }
      filled += n;
    }
    if (allZero()) {
      return false;
    }
    checkChecksum();
    return true;
  }

  private boolean allZero() {
    for (byte b : header) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private void checkChecksum() throws SourceArchiveException {
    long stored = number(148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != stored) {
      throw new SourceArchiveException(
          "Not a tar archive: a header's checksum is wrong; send the project as a tar or tar.gz"
              + " stream");
    }
  }

  private String ustarName() {
    String name = string(0, 100);
    boolean ustar = string(257, 5).equals("ustar");
    String prefix = ustar ? string(345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private String readText(long size) throws IOException {
    if (size > MAX_LONG_NAME) {
      throw new SourceArchiveException(
          "The tar archive has an extended header of "
              + size
              + " bytes, more than the "
              + MAX_LONG_NAME
              + " allowed");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new SourceArchiveException("The tar archive ends in an extended header");
    }
    skip((BLOCK - size % BLOCK) % BLOCK);
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Parses pax records of the form {@code "<length> <key>=<value>\n"}. */
  private static Map<String, String> parsePax(String text) throws SourceArchiveException {
    Map<String, String> records = new HashMap<>();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int position = 0;
    while (position < bytes.length) {
      int space = position;
      while (space < bytes.length && bytes[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(bytes, position, space - position));
      } catch (NumberFormatException e) {
        throw new SourceArchiveException("The tar archive has a malformed pax header");
      }
      if (length <= 0 || position + length > bytes.length || space >= position + length) {
        throw new SourceArchiveException("The tar archive has a malformed pax header");
      }
      String record =
          new String(bytes, space + 1, position + length - space - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      if (equals > 0) {
        records.put(record.substring(0, equals), record.substring(equals + 1));
      }
      position += length;
    }
    return records;
  }

  /** Reads a pax time such as {@code 1700000000.123456789}; the fraction is dropped. */
  private static long paxSeconds(String text) throws SourceArchiveException {
    String seconds = text.strip();
    int dot = seconds.indexOf('.');
    try {
      return Long.parseLong(dot < 0 ? seconds : seconds.substring(0, dot));
    } catch (NumberFormatException e) {
      throw new SourceArchiveException(
          "A pax header has mtime '" + text + "', which is not a time in seconds");
    }
  }

  private static long parseSize(String text, String name) throws SourceArchiveException {
    try {
      long size = Long.parseLong(text.strip());
      if (size >= 0) {
        return size;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new SourceArchiveException(
        "Tar entry '" + name + "' has the invalid size '" + text + "' in its pax header");
  }

  private static Type type(char flag, String name) {
    return switch (flag) {
      case '0', '\0', '7' -> name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
      case '1' -> Type.HARD_LINK;
      case '2' -> Type.SYMLINK;
      case '3' -> Type.CHARACTER_DEVICE;
      case '4' -> Type.BLOCK_DEVICE;
      case '5' -> Type.DIRECTORY;
      case '6' -> Type.FIFO;
      default -> Type.OTHER;
    };
  }

  private String string(int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String stripNul(String text) {
    int nul = text.indexOf('\0');
    return nul < 0 ? text : text.substring(0, nul);
  }

  /** Reads an octal number, or a base-256 one when the field's first byte has its top bit set. */
  private long number(int offset, int length) throws SourceArchiveException {
    if ((header[offset] & 0x80) != 0) {
      long value = header[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    long value = 0;
    for (int i = offset; i < offset + length; i++) {
      int b = header[i] & 0xff;
      if (b == 0 || b == ' ') {
        if (value > 0 || b == 0) {
          break;
        }
        continue;
      }
      if (b < '0' || b > '7') {
        throw new SourceArchiveException(
            "Not a tar archive: a header contains a malformed number; send the project as a tar or"
                + " tar.gz stream");
      }
      value = value * 8 + (b - '0');
    }
    return value;
  }
}
