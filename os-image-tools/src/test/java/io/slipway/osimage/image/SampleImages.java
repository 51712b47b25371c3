package io.slipway.osimage.image;

import io.slipway.osimage.bmap.BmapBuilder;
import io.slipway.osimage.testing.ExternalTool;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Builds raw images and their packed forms for tests, with the standard tools where they exist. */
public final class SampleImages {

  /** Size of {@link #raw()}: several writer chunks, and not a whole number of blocks. */
  public static final int SIZE = (8 << 20) + 3 * BmapBuilder.BLOCK_SIZE + 1000;

  private SampleImages() {}

  /**
   * Returns an image of mapped blocks and zero runs: zeros in its first sector's second half, a
   * long zero run across the first chunk boundary, and mapped blocks up to its ragged end. Each
   * mapped block starts with random bytes and repeats a pattern after them, so that compressors run
   * fast in tests.
   */
  public static byte[] raw() {
    byte[] image = new byte[SIZE];
    Random random = new Random(42);
    byte[] noise = new byte[64];
    for (int block = 0; block * BmapBuilder.BLOCK_SIZE < SIZE; block++) {
      int start = block * BmapBuilder.BLOCK_SIZE;
      int end = Math.min(SIZE, start + BmapBuilder.BLOCK_SIZE);
      random.nextBytes(noise);
      System.arraycopy(noise, 0, image, start, Math.min(noise.length, end - start));
      for (int i = start + noise.length; i < end; i++) {
        image[i] = (byte) (i % 251 + 1);
      }
    }
    zero(image, 256, 256);
    zero(image, 3 * BmapBuilder.BLOCK_SIZE, 5 * BmapBuilder.BLOCK_SIZE);
    zero(image, ImageWriter.CHUNK - 7 * BmapBuilder.BLOCK_SIZE, 70 * BmapBuilder.BLOCK_SIZE);
    zero(image, SIZE - 9000, 4000);
    return image;
  }

  private static void zero(byte[] image, int offset, int length) {
    java.util.Arrays.fill(image, offset, offset + length, (byte) 0);
  }

  /** Writes {@code image} to {@code directory/NAME.img} and returns the file. */
  public static Path writeRaw(Path directory, String name, byte[] image) throws IOException {
    Path file = directory.resolve(name + ".img");
    Files.write(file, image);
    return file;
  }

  /** Compresses {@code raw} with {@code gzip}, leaving the raw file; returns the .gz file. */
  public static Path gzip(Path raw) throws Exception {
    Path packed = Path.of(raw + ".gz");
    ExternalTool.outputTo(packed, "/usr/bin/gzip", "gzip", "-c", "-1", raw.toString());
    return packed;
  }

  /** Compresses {@code raw} with {@code xz} in blocks, so the file has an index of several. */
  public static Path xz(Path raw) throws Exception {
    Path packed = Path.of(raw + ".xz");
    ExternalTool.outputTo(
        packed, "/usr/bin/xz", "xz-utils", "-c", "-1", "--block-size=1MiB", raw.toString());
    return packed;
  }

  /** Compresses {@code raw} with {@code zstd}, which states the content size in the frame. */
  public static Path zstd(Path raw) throws Exception {
    Path packed = Path.of(raw + ".zst");
    ExternalTool.output(
        "/usr/bin/zstd", "zstd", "-q", "-3", "-f", raw.toString(), "-o", packed.toString());
    return packed;
  }

  /** Packs {@code raw} with {@code zip}, next to a README. */
  public static Path zip(Path raw) throws Exception {
    Path readme = raw.resolveSibling("README.txt");
    Files.writeString(readme, "Flash me.\n");
    Path packed = Path.of(raw + ".zip");
    ExternalTool.output(
        "/usr/bin/zip", "zip", "-q", "-j", packed.toString(), readme.toString(), raw.toString());
    return packed;
  }

  /** Writes a zip archive of the given entries with arbitrary names, which {@code zip} refuses. */
  public static Path zipOf(Path file, String[] names, byte[]... contents) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
      for (int i = 0; i < names.length; i++) {
        zip.putArchiveEntry(new ZipArchiveEntry(names[i]));
        zip.write(contents[i]);
        zip.closeArchiveEntry();
      }
    }
    return file;
  }

  /** Writes the first {@code keep} bytes of {@code file} to a new file and returns it. */
  public static Path truncated(Path file, long keep) throws IOException {
    Path cut = Path.of(file + ".cut");
    byte[] all = Files.readAllBytes(file);
    Files.write(cut, java.util.Arrays.copyOf(all, (int) keep));
    return cut;
  }
}
