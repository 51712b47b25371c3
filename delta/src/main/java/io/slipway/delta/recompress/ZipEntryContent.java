package io.slipway.delta.recompress;

import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Reads the data of one zip entry from an archive in memory: raw, or inflated and checked. */
final class ZipEntryContent {

  private ZipEntryContent() {}

  /** Returns the entry data exactly as the archive stores it. */
  static byte[] raw(byte[] zip, ZipEntryInfo entry) {
    return Arrays.copyOfRange(zip, (int) entry.dataOffset(), (int) entry.dataEnd());
  }

  /**
   * Returns the inflated data of a deflated entry. Returns empty when the entry is encrypted, when
   * its recorded size is negative (a zip64 size of 2^63 or more) or above {@code maxLength}, and
   * when its data does not inflate to exactly the recorded size and CRC-32 within its compressed
   * size.
   */
  static Optional<byte[]> inflate(byte[] zip, ZipEntryInfo entry, int maxLength) {
    if (entry.method() != ZipEntryInfo.METHOD_DEFLATED
        || entry.encrypted()
        || entry.uncompressedSize() < 0
        || entry.uncompressedSize() > maxLength) {
      return Optional.empty();
    }

    byte[] inflated = new byte[(int) entry.uncompressedSize()];
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(zip, (int) entry.dataOffset(), (int) entry.compressedSize());
      int length = inflateFully(inflater, inflated);
      boolean exact =
          inflater.finished()
              && length == inflated.length
              && inflater.getBytesRead() == entry.compressedSize();
      return exact && crc32(inflated) == entry.crc32() ? Optional.of(inflated) : Optional.empty();
    } catch (DataFormatException corrupt) {
      return Optional.empty();
    } finally {
      inflater.end();
    }
  }

  /** Returns the CRC-32 of {@code bytes}. */
  static long crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  private static int inflateFully(Inflater inflater, byte[] target) throws DataFormatException {
    int length = 0;
    while (!inflater.finished() && length < target.length) {
      int produced = inflater.inflate(target, length, target.length - length);
      if (produced == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
        break;
      }
      length += produced;
    }
    if (!inflater.finished() && length == target.length) {
      // The end-of-block code can remain after the last output byte. One more call lets the
      // inflater reach the end; any byte it produces means the entry is larger than recorded.
      int extra = inflater.inflate(new byte[1]);
      length += extra;
    }
    return length;
  }
}
