package io.slipway.osimage.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * The image entry's data from a zip stream. At the entry's end it reads the entries that follow and
 * throws when one is unsafe or a second image, before returning -1. Not safe for concurrent use.
 */
final class TrailingEntriesCheck extends FilterInputStream {

  private final ZipArchiveInputStream zip;
  private final String archive;
  private final String imageName;
  private boolean checked;

  TrailingEntriesCheck(ZipArchiveInputStream zip, String archive, String imageName) {
    super(zip);
    this.zip = zip;
    this.archive = archive;
    this.imageName = imageName;
  }

  @Override
  public int read() throws IOException {
    int value = zip.read();
    if (value < 0) {
      checkTrailingEntries();
    }
    return value;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read = zip.read(buffer, offset, length);
    if (read < 0) {
      checkTrailingEntries();
    }
    return read;
  }

  private void checkTrailingEntries() throws IOException {
    if (checked) {
      return;
    }
    checked = true;
    ZipArchiveEntry entry;
    while ((entry = zip.getNextEntry()) != null) {
      ZipImageEntry.checkSafe(archive, entry.getName());
      if (ZipImageEntry.isImage(entry)) {
        throw ZipImageEntry.ambiguous(archive, List.of(imageName, entry.getName()));
      }
    }
  }
}
