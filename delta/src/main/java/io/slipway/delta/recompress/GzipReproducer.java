package io.slipway.delta.recompress;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Finds the {@link GzipRecipe} that rebuilds a gzip blob byte for byte, when java.util.zip's zlib
 * can. Blobs written by Java's {@link java.util.zip.GZIPOutputStream} (Jib layers) match, as do
 * those of other programs that run zlib's deflate over the whole content without flushing. GNU gzip
 * and pigz (their own deflate code and block splitting) and Go's compress/gzip (Docker, BuildKit)
 * write other bytes and do not match. Stateless and thread-safe.
 */
public final class GzipReproducer {

  private static final int BUFFER_SIZE = 64 * 1024;

  private GzipReproducer() {}

  /**
   * Returns the recipe that reproduces {@code gzipBlob} exactly, trying the settings of {@link
   * DeflateReproducer#candidates()} in order; empty when none does, when the blob is not gzip, or
   * when it contains more than one member or trailing bytes. Streams the blob through small
   * buffers; a wrong candidate is rejected at its first differing byte, usually within the first
   * 100 KiB.
   *
   * @throws IOException when the blob cannot be read
   */
  public static Optional<GzipRecipe> find(Path gzipBlob) throws IOException {
    Optional<byte[]> header = readHeader(gzipBlob);
    if (header.isEmpty()) {
      return Optional.empty();
    }

    for (DeflateRecipe deflate : DeflateReproducer.candidates()) {
      GzipRecipe recipe = new GzipRecipe(header.get(), deflate);
      if (reproduces(gzipBlob, recipe)) {
        return Optional.of(recipe);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns true when {@code recipe} rebuilds {@code gzipBlob} exactly; false as well when the blob
   * does not decompress.
   *
   * @throws IOException when the blob cannot be read
   */
  public static boolean reproduces(Path gzipBlob, GzipRecipe recipe) throws IOException {
    try {
      return ReproductionCheck.reproduces(
          gzipBlob, () -> openContent(gzipBlob), recipe::compressor);
    } catch (ZipException | EOFException notGzip) {
      return false;
    }
  }

  private static Optional<byte[]> readHeader(Path gzipBlob) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(gzipBlob), BUFFER_SIZE)) {
      return GzipHeader.read(in);
    }
  }

  private static InputStream openContent(Path gzipBlob) throws IOException {
    return new GZIPInputStream(Files.newInputStream(gzipBlob), BUFFER_SIZE);
  }
}
