package io.slipway.osimage.image;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Opens stored base images: raw, zip, gzip (several members too), xz (several streams too) or zstd
 * (several frames too), detected by their first bytes, never by their names. A raw file is read in
 * place; anything else is decompressed lazily into a scratch file ({@link SourceImage}). Truncated
 * or corrupt archives raise {@code CORRUPT_ARCHIVE} when the damaged part is read. Stateless,
 * thread-safe.
 */
public final class ImageSources {

  private static final int STORED_BUFFER = 1 << 16;

  private ImageSources() {}

  /**
   * Opens the stored image file {@code file}. The raw size is known in advance for a raw file, a
   * zip entry, an xz file and a zstd file whose frames state their sizes. A zip file's central
   * directory is read first, so every entry name is checked before any image byte is read.
   *
   * @param scratchDirectory where a compressed image's decompressed start is kept; created when
   *     missing
   * @throws io.slipway.osimage.OsImageException {@code CORRUPT_ARCHIVE}, {@code AMBIGUOUS_ARCHIVE}
   *     or {@code UNSAFE_ARCHIVE_ENTRY}
   */
  public static SourceImage open(Path file, Path scratchDirectory) throws IOException {
    return open(file, file.toString(), scratchDirectory);
  }

  /**
   * Opens the stored image file {@code file} like {@link #open(Path, Path)}, naming it {@code name}
   * in messages instead of its path, such as for an upload kept under an internal scratch path.
   */
  public static SourceImage open(Path file, String name, Path scratchDirectory) throws IOException {
    ImageContainer container = detect(file);
    switch (container) {
      case RAW:
        return FileImageBytes.open(file, name);
      case ZIP:
        ZipImageEntry entry = ZipImageEntry.openFile(file, name);
        return spool(name, entry.data(), entry.size(), scratchDirectory);
      case XZ:
        return spool(
            name, decompress(name, container, stored(file)), xzSize(file, name), scratchDirectory);
      case ZSTD:
        OptionalLong zstdSize = ZstdFrames.contentSize(file);
        return spool(name, decompress(name, container, stored(file)), zstdSize, scratchDirectory);
      default:
        return spool(
            name,
            decompress(name, container, stored(file)),
            OptionalLong.empty(),
            scratchDirectory);
    }
  }

  /**
   * Opens the stored image that {@code source} streams. Only a zip entry's size is known in
   * advance, when its local header states it. A zip stream has no central directory to read first:
   * entry names before the image are checked before any image byte is read, those after it when the
   * raw stream reaches its end, which then throws instead of ending.
   *
   * @param source opens a new stream of the stored file; called once
   * @param name the stored file's name for messages
   */
  public static SourceImage open(Supplier<InputStream> source, String name, Path scratchDirectory)
      throws IOException {
    InputStream stored = new BufferedInputStream(source.get(), STORED_BUFFER);
    try {
      stored.mark(ImageContainer.MAGIC_LENGTH);
      byte[] head = stored.readNBytes(ImageContainer.MAGIC_LENGTH);
      stored.reset();
      ImageContainer container = ImageContainer.detect(head, head.length);
      if (container == ImageContainer.ZIP) {
        ZipImageEntry entry =
            ZipImageEntry.openStream(name, CorruptionMappingInputStream.marking(stored));
        InputStream data = new CorruptionMappingInputStream(entry.data(), name);
        return SpoolingImageBytes.open(name, data, entry.size(), scratchDirectory);
      }
      if (container == ImageContainer.RAW) {
        return SpoolingImageBytes.open(name, stored, OptionalLong.empty(), scratchDirectory);
      }
      return spool(
          name, decompress(name, container, stored), OptionalLong.empty(), scratchDirectory);
    } catch (IOException | RuntimeException e) {
      stored.close();
      throw e;
    }
  }

  private static ImageContainer detect(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(ImageContainer.MAGIC_LENGTH);
      return ImageContainer.detect(head, head.length);
    }
  }

  private static InputStream stored(Path file) throws IOException {
    return new BufferedInputStream(Files.newInputStream(file), STORED_BUFFER);
  }

  private static SourceImage spool(
      String name, InputStream compressed, OptionalLong size, Path scratchDirectory)
      throws IOException {
    return SpoolingImageBytes.open(
        name, new CorruptionMappingInputStream(compressed, name), size, scratchDirectory);
  }

  /** Wraps {@code stored} in the decompressor for {@code container}; closes it on failure. */
  private static InputStream decompress(String name, ImageContainer container, InputStream stored)
      throws IOException {
    InputStream marked = CorruptionMappingInputStream.marking(stored);
    try {
      switch (container) {
        case GZIP:
          return GzipCompressorInputStream.builder()
              .setInputStream(marked)
              .setDecompressConcatenated(true)
              .get();
        case XZ:
          return new XZInputStream(marked);
        case ZSTD:
          return new ZstdInputStreamNoFinalizer(marked);
        default:
          throw new IllegalArgumentException("No decompressor for " + container);
      }
    } catch (IOException e) {
      stored.close();
      throw CorruptionMappingInputStream.corrupt(name, e);
    } catch (RuntimeException e) {
      stored.close();
      throw e;
    }
  }

  private static OptionalLong xzSize(Path file, String name) throws IOException {
    try (SeekableXZInputStream xz =
        new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()))) {
      return OptionalLong.of(xz.length());
    } catch (IOException e) {
      throw CorruptionMappingInputStream.corrupt(name, e);
    }
  }
}
