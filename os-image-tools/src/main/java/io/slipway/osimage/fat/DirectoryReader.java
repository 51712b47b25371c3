package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import de.waldheinz.fs.fat.FatType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads FAT directories ourselves, with their long names, to find where each entry lies on the
 * device. fat32-lib hides the position and the creation and access time stamps of its entries, so
 * this reader is how we stamp them. Not safe for concurrent use.
 */
final class DirectoryReader {

  static final int ENTRY_SIZE = 32;
  static final int ATTRIBUTE_DIRECTORY = 0x10;
  static final int ATTRIBUTE_VOLUME_LABEL = 0x08;
  private static final int ATTRIBUTE_LONG_NAME = 0x0f;
  private static final int DELETED = 0xe5;

  private final BlockDevice device;
  private final FatGeometry geometry;
  private final FatTable fat;
  private final String name;

  /**
   * @param fat the FAT as it is now on {@code device}
   * @param name how messages name the filesystem
   */
  DirectoryReader(BlockDevice device, FatGeometry geometry, FatTable fat, String name) {
    this.device = device;
    this.geometry = geometry;
    this.fat = fat;
    this.name = name;
  }

  /**
   * One entry that is no long-name part and not deleted.
   *
   * @param name the long name when a valid one precedes the entry, else the short name
   * @param offset byte offset of the 32-byte short entry on the device
   * @param attributes the attribute byte
   * @param startCluster the first cluster of its content, 0 for none (or the root on {@code ..})
   * @param length the file's size in bytes, 0 for a directory
   */
  record Entry(String name, long offset, int attributes, long startCluster, long length) {

    boolean isDirectory() {
      return (attributes & (ATTRIBUTE_DIRECTORY | ATTRIBUTE_VOLUME_LABEL)) == ATTRIBUTE_DIRECTORY;
    }

    boolean isVolumeLabel() {
      return (attributes & (ATTRIBUTE_DIRECTORY | ATTRIBUTE_VOLUME_LABEL))
          == ATTRIBUTE_VOLUME_LABEL;
    }

    boolean isDotEntry() {
      return name.equals(".") || name.equals("..");
    }
  }

  /** Returns the entries of the directory starting at {@code cluster}; 0 means the root. */
  List<Entry> list(long cluster) throws IOException {
    List<Entry> entries = new ArrayList<>();
    LongName longName = new LongName();
    scan(
        cluster,
        (bytes, at, offset) -> {
          int attributes = bytes[at + 11] & 0xff;
          if ((bytes[at] & 0xff) == DELETED) {
            longName.reset();
          } else if (attributes == ATTRIBUTE_LONG_NAME) {
            longName.add(bytes, at);
          } else {
            String entryName = longName.complete(checksum(bytes, at)).orElse(shortName(bytes, at));
            long length =
                ByteBuffer.wrap(bytes, at + 28, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()
                    & 0xffffffffL;
            entries.add(new Entry(entryName, offset, attributes, startCluster(bytes, at), length));
            longName.reset();
          }
        });
    return entries;
  }

  /**
   * Returns how many 32-byte slots the directory's live entries use, long-name parts and the volume
   * label included, which is what fat32-lib keeps when it rewrites the directory.
   */
  int usedSlots(long cluster) throws IOException {
    int[] used = {0};
    scan(
        cluster,
        (bytes, at, offset) -> {
          if ((bytes[at] & 0xff) != DELETED) {
            used[0]++;
          }
        });
    return used[0];
  }

  /** One 32-byte slot of a directory: {@code bytes[at]} onward, at device offset {@code offset}. */
  private interface SlotVisitor {
    void visit(byte[] bytes, int at, long offset);
  }

  /** Visits the directory's slots up to the end marker (a slot starting with byte 0). */
  private void scan(long cluster, SlotVisitor visitor) throws IOException {
    for (long[] region : regions(cluster)) {
      byte[] bytes = new byte[Math.toIntExact(region[1])];
      device.read(region[0], ByteBuffer.wrap(bytes));
      for (int at = 0; at < bytes.length; at += ENTRY_SIZE) {
        if (bytes[at] == 0) {
          return;
        }
        visitor.visit(bytes, at, region[0] + at);
      }
    }
  }

  /**
   * Returns how many clusters the directory starting at {@code cluster} occupies; 0 for the fixed
   * FAT12/16 root directory, which lies outside the data area.
   */
  long clusters(long cluster) {
    if (cluster == 0 && geometry.rootEntryCount() > 0) {
      return 0;
    }
    return regions(cluster).size();
  }

  /** Returns the root directory's volume label entry, if it has one. */
  Optional<Entry> volumeLabel() throws IOException {
    return list(0).stream().filter(Entry::isVolumeLabel).findFirst();
  }

  /** Returns the entry named {@code entryName}, compared without regard to case as FAT does. */
  Optional<Entry> find(long cluster, String entryName) throws IOException {
    String wanted = entryName.toLowerCase(Locale.ROOT);
    return list(cluster).stream()
        .filter(entry -> !entry.isVolumeLabel())
        .filter(entry -> entry.name().toLowerCase(Locale.ROOT).equals(wanted))
        .findFirst();
  }

  /** Returns {offset, length} pairs of the directory's storage on the device. */
  private List<long[]> regions(long cluster) {
    if (cluster == 0 && geometry.rootEntryCount() > 0) {
      return List.of(new long[] {geometry.rootDirectoryOffset(), geometry.rootEntryCount() * 32L});
    }
    long start = cluster == 0 ? geometry.rootCluster() : cluster;
    List<long[]> regions = new ArrayList<>();
    for (long link : fat.chain(start, name)) {
      regions.add(new long[] {geometry.clusterOffset(link), geometry.bytesPerCluster()});
    }
    return regions;
  }

  private long startCluster(byte[] bytes, int at) {
    long low = (bytes[at + 26] & 0xff) | (bytes[at + 27] & 0xff) << 8;
    if (geometry.type() != FatType.FAT32) {
      return low;
    }
    long high = (bytes[at + 20] & 0xff) | (bytes[at + 21] & 0xff) << 8;
    return high << 16 | low;
  }

  private static String shortName(byte[] bytes, int at) {
    byte[] raw = Arrays.copyOfRange(bytes, at, at + 11);
    if ((raw[0] & 0xff) == 0x05) {
      raw[0] = (byte) DELETED;
    }
    String base = new String(raw, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
    String extension = new String(raw, 8, 3, StandardCharsets.ISO_8859_1).stripTrailing();
    // mtools, Linux and Windows NT mark an 8.3 name in lower case with these flags, without a long
    // name.
    int caseFlags = bytes[at + 12] & 0xff;
    if ((caseFlags & 0x08) != 0) {
      base = base.toLowerCase(Locale.ROOT);
    }
    if ((caseFlags & 0x10) != 0) {
      extension = extension.toLowerCase(Locale.ROOT);
    }
    return extension.isEmpty() ? base : base + "." + extension;
  }

  private static int checksum(byte[] bytes, int at) {
    int sum = 0;
    for (int i = 0; i < 11; i++) {
      sum = (((sum & 1) << 7) | ((sum & 0xff) >> 1)) + (bytes[at + i] & 0xff);
      sum &= 0xff;
    }
    return sum;
  }

  /** The long-name entries seen since the last short entry, in the order they are stored. */
  private static final class LongName {

    private final StringBuilder reversed = new StringBuilder();
    private int expectedOrdinal = -1;
    private int checksum = -1;
    private boolean valid;

    void add(byte[] bytes, int at) {
      int ordinal = bytes[at] & 0xff;
      int entryChecksum = bytes[at + 13] & 0xff;
      if ((ordinal & 0x40) != 0) {
        reset();
        expectedOrdinal = ordinal & 0x3f;
        checksum = entryChecksum;
        valid = expectedOrdinal > 0;
      }
      if (!valid || (ordinal & 0x3f) != expectedOrdinal || entryChecksum != checksum) {
        valid = false;
        return;
      }
      reversed.insert(0, part(bytes, at));
      expectedOrdinal--;
    }

    Optional<String> complete(int shortChecksum) {
      if (valid && expectedOrdinal == 0 && shortChecksum == checksum) {
        return Optional.of(reversed.toString());
      }
      return Optional.empty();
    }

    void reset() {
      reversed.setLength(0);
      expectedOrdinal = -1;
      checksum = -1;
      valid = false;
    }

    private static String part(byte[] bytes, int at) {
      StringBuilder part = new StringBuilder(13);
      int[] positions = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
      for (int position : positions) {
        char c = (char) ((bytes[at + position] & 0xff) | (bytes[at + position + 1] & 0xff) << 8);
        if (c == 0) {
          break;
        }
        part.append(c);
      }
      return part.toString();
    }
  }
}
