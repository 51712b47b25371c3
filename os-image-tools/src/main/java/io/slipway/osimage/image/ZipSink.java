package io.slipway.osimage.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.OptionalLong;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Writes a zip archive to a stream: the raw image as {@code NAME} (deflated, with a data descriptor
 * because the stream cannot seek back), then {@code NAME.bmap} and {@code NAME.sha256}. Not safe
 * for concurrent use.
 */
final class ZipSink extends StreamSink {

  /** Entries at least this large need Zip64 fields. */
  private static final long ZIP64_LIMIT = 0xFFFFFFFFL;

  private final ZipArchiveOutputStream zip;
  private final String imageName;
  private final long entryTime;

  ZipSink(
      CountingOutputStream counted,
      OutputStream buffered,
      String imageName,
      long entryTime,
      OptionalLong rawSize)
      throws IOException {
    this(counted, new ZipArchiveOutputStream(buffered), imageName, entryTime, rawSize);
  }

  private ZipSink(
      CountingOutputStream counted,
      ZipArchiveOutputStream zip,
      String imageName,
      long entryTime,
      OptionalLong rawSize)
      throws IOException {
    super(counted, zip);
    this.zip = zip;
    this.imageName = imageName;
    this.entryTime = entryTime;
    zip.setLevel(OutputSinks.DEFLATE_LEVEL);
    // Without a known size a stream cannot add Zip64 fields afterwards, so it uses them always.
    boolean small = rawSize.isPresent() && rawSize.getAsLong() < ZIP64_LIMIT;
    zip.setUseZip64(small ? Zip64Mode.AsNeeded : Zip64Mode.Always);
    ZipArchiveEntry image = entry(imageName);
    rawSize.ifPresent(image::setSize);
    zip.putArchiveEntry(image);
  }

  @Override
  void finishTarget(String sha256, byte[] bmap) throws IOException {
    zip.closeArchiveEntry();
    writeEntry(imageName + ".bmap", bmap);
    String checksumLine = sha256 + "  " + imageName + "\n";
    writeEntry(imageName + ".sha256", checksumLine.getBytes(StandardCharsets.UTF_8));
    zip.finish();
    zip.close();
  }

  private void writeEntry(String name, byte[] content) throws IOException {
    ZipArchiveEntry entry = entry(name);
    entry.setSize(content.length);
    zip.putArchiveEntry(entry);
    zip.write(content);
    zip.closeArchiveEntry();
  }

  private ZipArchiveEntry entry(String name) {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setMethod(ZipEntry.DEFLATED);
    entry.setLastModifiedTime(FileTime.fromMillis(entryTime));
    return entry;
  }
}
