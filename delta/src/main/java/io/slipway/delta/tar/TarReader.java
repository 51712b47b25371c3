package io.slipway.delta.tar;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Indexes a tar archive without reading member content: ustar and old GNU headers, GNU long names
 * ({@code 'L'}) and long link names ({@code 'K'}), pax extended ({@code 'x'}) and global ({@code
 * 'g'}) headers, and GNU sparse members, whose sparse map blocks count as header and whose stored
 * data counts as opaque content. Parsing stops at the end-of-archive block, at a header whose
 * checksum does not match, or at a member that runs past the end of the file. The index ends there,
 * so the members and the bytes after the index always cover the file exactly. Stateless and
 * thread-safe.
 */
public final class TarReader {

  /** The tar block size in bytes. */
  public static final int BLOCK = 512;

  /** The largest long name or pax header that is parsed; a larger one ends the index. */
  private static final int MAX_METADATA = 1024 * 1024;

  private TarReader() {}

  /**
   * Indexes the archive in {@code channel} from offset 0 to its current size.
   *
   * @throws IOException when reading fails
   */
  public static TarIndex read(FileChannel channel) throws IOException {
    long size = channel.size();
    List<TarEntry> entries = new ArrayList<>();
    Map<String, String> global = new HashMap<>();
    Pending pending = new Pending();
    long offset = 0;
    byte[] block = new byte[BLOCK];
    while (offset + BLOCK <= size) {
      readFully(channel, offset, block);
      if (isZero(block) || !TarHeader.checksumMatches(block)) {
        break;
      }
      long fieldSize = TarHeader.number(block, 124, 12);
      if (fieldSize < 0) {
        break;
      }
      if (pending.headerOffset < 0) {
        pending.headerOffset = offset;
      }
      offset += BLOCK;
      byte type = block[156];
      if (type == 'S' && TarHeader.isGnu(block)) {
        offset = skipSparseExtensions(channel, offset, block[482] != 0, size);
        if (offset < 0) {
          break;
        }
      }
      if (isMetadata(type)) {
        if (fieldSize > MAX_METADATA || offset + fieldSize > size) {
          break;
        }
        byte[] metadata = readBytes(channel, offset, (int) fieldSize);
        pending.accept(type, metadata, global);
        offset += padded(fieldSize);
        continue;
      }
      TarEntry entry = pending.entry(block, type, fieldSize, offset, global);
      if (entry.contentOffset() + entry.size() > size) {
        break;
      }
      entries.add(entry);
      offset = entry.end();
      pending = new Pending();
    }
    long end = pending.headerOffset >= 0 ? pending.headerOffset : Math.min(offset, size);
    return new TarIndex(entries, end, size);
  }

  /** Returns {@code length} rounded up to a whole number of blocks. */
  public static long padded(long length) {
    return (length + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static boolean isMetadata(byte type) {
    return type == 'L' || type == 'K' || type == 'x' || type == 'g';
  }

  /** Skips the blocks that continue a GNU sparse map; returns -1 when they run past the end. */
  private static long skipSparseExtensions(
      FileChannel channel, long offset, boolean extended, long size) throws IOException {
    byte[] block = new byte[BLOCK];
    boolean more = extended;
    while (more) {
      if (offset + BLOCK > size) {
        return -1;
      }
      readFully(channel, offset, block);
      offset += BLOCK;
      more = block[504] != 0;
    }
    return offset;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readBytes(FileChannel channel, long offset, int length) throws IOException {
    byte[] bytes = new byte[length];
    readFully(channel, offset, bytes);
    return bytes;
  }

  private static void readFully(FileChannel channel, long offset, byte[] into) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into);
    long position = offset;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position);
      if (read < 0) {
        throw new EOFException("Tar archive ended at offset " + position + " inside a block");
      }
      position += read;
    }
  }

  /** The long names and pax records that metadata members set for the member that follows. */
  private static final class Pending {
    long headerOffset = -1;
    String longName;
    String longLink;
    final Map<String, String> pax = new HashMap<>();

    void accept(byte type, byte[] metadata, Map<String, String> global) {
      switch (type) {
        case 'L' -> longName = TarHeader.cString(metadata, 0, metadata.length);
        case 'K' -> longLink = TarHeader.cString(metadata, 0, metadata.length);
        case 'x' -> pax.putAll(PaxRecords.parse(metadata));
        default -> global.putAll(PaxRecords.parse(metadata));
      }
    }

    TarEntry entry(
        byte[] header, byte type, long fieldSize, long contentOffset, Map<String, String> global) {
      String path = first(pax.get("path"), longName, global.get("path"), TarHeader.name(header));
      String link =
          first(
              pax.get("linkpath"),
              longLink,
              global.get("linkpath"),
              TarHeader.cString(header, 157, 100));
      long size = contentSize(type, fieldSize, first(pax.get("size"), global.get("size")));
      return new TarEntry(path, link, type, headerOffset, contentOffset, size);
    }

    /** Returns the content length; link, device, directory and FIFO members have none. */
    private static long contentSize(byte type, long fieldSize, String paxSize) {
      if (type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6') {
        return 0;
      }
      if (paxSize != null) {
        try {
          return Long.parseLong(paxSize.trim());
        } catch (NumberFormatException e) {
          return fieldSize;
        }
      }
      return fieldSize;
    }

    private static String first(String... values) {
      for (String value : values) {
        if (value != null) {
          return value;
        }
      }
      return null;
    }
  }

  /** Decodes pax extended header records, {@code "LENGTH KEY=VALUE\n"}, skipping malformed ones. */
  static final class PaxRecords {

    private PaxRecords() {}

    static Map<String, String> parse(byte[] data) {
      Map<String, String> records = new HashMap<>();
      int position = 0;
      while (position < data.length) {
        int space = indexOf(data, (byte) ' ', position);
        if (space < 0) {
          break;
        }
        int length;
        try {
          length =
              Integer.parseInt(
                  new String(data, position, space - position, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
          break;
        }
        int recordEnd = position + length;
        if (length <= 0 || recordEnd > data.length || data[recordEnd - 1] != '\n') {
          break;
        }
        int equals = indexOf(data, (byte) '=', space + 1);
        if (equals > 0 && equals < recordEnd) {
          String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
          String value =
              new String(data, equals + 1, recordEnd - equals - 2, StandardCharsets.UTF_8);
          records.put(key, value);
        }
        position = recordEnd;
      }
      return records;
    }

    private static int indexOf(byte[] data, byte target, int from) {
      for (int i = from; i < data.length; i++) {
        if (data[i] == target) {
          return i;
        }
      }
      return -1;
    }
  }
}
