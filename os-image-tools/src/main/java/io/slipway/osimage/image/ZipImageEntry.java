package io.slipway.osimage.image;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The one disk image inside a zip archive: the only entry whose name ends in {@code .img} or {@code
 * .raw}. Other files (a README, a bmap, a checksum) are ignored. Every entry's name is checked: an
 * absolute name or one with a {@code ..} segment is rejected.
 *
 * @param data the entry's uncompressed bytes; closing it closes the archive
 * @param size the entry's uncompressed size, when the archive states it
 */
record ZipImageEntry(InputStream data, OptionalLong size) {

  /**
   * Opens the image entry of the zip file {@code file}, named {@code name} in messages. Reads the
   * central directory, so every entry's name is checked before any image byte is returned.
   *
   * @throws OsImageException {@code AMBIGUOUS_ARCHIVE}, {@code UNSAFE_ARCHIVE_ENTRY}, or {@code
   *     CORRUPT_ARCHIVE} when the central directory cannot be read
   */
  static ZipImageEntry openFile(Path file, String name) throws IOException {
    ZipFile zip;
    try {
      zip = ZipFile.builder().setPath(file).setUseUnicodeExtraFields(true).get();
    } catch (IOException e) {
      throw CorruptionMappingInputStream.corrupt(name, e);
    }
    try {
      List<ZipArchiveEntry> images = new ArrayList<>();
      for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
        checkSafe(name, entry.getName());
        if (isImage(entry)) {
          images.add(entry);
        }
      }
      ZipArchiveEntry image = single(name, images);
      checkReadable(name, image, zip.canReadEntryData(image));
      InputStream data = new ClosingInputStream(zip.getInputStream(image), zip);
      OptionalLong size =
          image.getSize() >= 0 ? OptionalLong.of(image.getSize()) : OptionalLong.empty();
      return new ZipImageEntry(data, size);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  /**
   * Opens the image entry of the zip archive read from {@code archive}. A stream has no central
   * directory to read first, so names are checked as entries pass. Entries before the image are
   * checked before any image byte is returned. Entries after it are checked when the returned
   * stream reaches its end, which then throws instead of returning -1. A writer must therefore
   * commit its output only after reading the stream to its end.
   *
   * @throws OsImageException {@code AMBIGUOUS_ARCHIVE} or {@code UNSAFE_ARCHIVE_ENTRY}, from this
   *     method or from the returned stream's reads
   */
  static ZipImageEntry openStream(String name, InputStream archive) throws IOException {
    ZipArchiveInputStream zip =
        new ZipArchiveInputStream(archive, StandardCharsets.UTF_8.name(), true, true);
    try {
      ZipArchiveEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        checkSafe(name, entry.getName());
        if (isImage(entry)) {
          checkReadable(name, entry, zip.canReadEntryData(entry));
          OptionalLong size =
              entry.getSize() >= 0 ? OptionalLong.of(entry.getSize()) : OptionalLong.empty();
          return new ZipImageEntry(new TrailingEntriesCheck(zip, name, entry.getName()), size);
        }
      }
      throw noImage(name);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  static boolean isImage(ZipArchiveEntry entry) {
    String lower = entry.getName().toLowerCase(Locale.ROOT);
    return !entry.isDirectory() && (lower.endsWith(".img") || lower.endsWith(".raw"));
  }

  static void checkSafe(String archive, String entryName) {
    String normalized = entryName.replace('\\', '/');
    boolean absolute =
        normalized.startsWith("/")
            || (normalized.length() >= 2
                && normalized.charAt(1) == ':'
                && Character.isLetter(normalized.charAt(0)));
    boolean climbs = List.of(normalized.split("/")).contains("..");
    if (absolute || climbs) {
      throw new OsImageException(
          OsImageFailure.UNSAFE_ARCHIVE_ENTRY,
          "Zip archive "
              + archive
              + " has an entry named '"
              + entryName
              + "', which is absolute or climbs out of the archive with '..': pack the image with"
              + " a plain relative name");
    }
  }

  private static ZipArchiveEntry single(String archive, List<ZipArchiveEntry> images) {
    if (images.size() == 1) {
      return images.get(0);
    }
    if (images.isEmpty()) {
      throw noImage(archive);
    }
    throw ambiguous(archive, images.stream().map(ZipArchiveEntry::getName).toList());
  }

  private static OsImageException noImage(String archive) {
    return new OsImageException(
        OsImageFailure.AMBIGUOUS_ARCHIVE,
        "Zip archive "
            + archive
            + " holds no disk image: it needs exactly one entry whose name ends in .img or .raw");
  }

  static OsImageException ambiguous(String archive, List<String> names) {
    return new OsImageException(
        OsImageFailure.AMBIGUOUS_ARCHIVE,
        "Zip archive "
            + archive
            + " holds several disk images "
            + names
            + ": pack one image per archive");
  }

  private static void checkReadable(String archive, ZipArchiveEntry entry, boolean readable) {
    if (!readable) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Zip archive "
              + archive
              + " stores "
              + entry.getName()
              + " with compression method "
              + entry.getMethod()
              + " or encryption, which cannot be read: pack it unencrypted with deflate");
    }
  }

  /** Closes the zip file with the entry's stream. */
  private static final class ClosingInputStream extends FilterInputStream {

    private final ZipFile zip;

    ClosingInputStream(InputStream in, ZipFile zip) {
      super(in);
      this.zip = zip;
    }

    @Override
    public void close() throws IOException {
      try (zip) {
        super.close();
      }
    }
  }
}
