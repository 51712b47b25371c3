package io.slipway.osimage.image;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.OptionalLong;
import java.util.zip.Deflater;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Creates the sink for each output format. The levels favour speed, because a configured image is
 * often made while a client downloads it. Zip and gzip use deflate level 1, the fastest, and xz
 * uses preset 1. zstd uses level 3, its default, with one worker thread per processor beyond the
 * first.
 */
final class OutputSinks {

  /** Deflate level of zip and gzip outputs. */
  static final int DEFLATE_LEVEL = Deflater.BEST_SPEED;

  /** LZMA2 preset of xz outputs. */
  static final int XZ_PRESET = 1;

  /** zstd level of zst outputs. */
  static final int ZSTD_LEVEL = 3;

  private static final int COMPRESSED_BUFFER = 1 << 16;

  private OutputSinks() {}

  /**
   * Returns the sink that writes {@code format} to {@code out}, which it never closes.
   *
   * @param imageName the raw image's entry name inside a zip
   * @param entryTime the zip entries' time, milliseconds since the epoch
   * @param rawSize the raw image's size when known, which a zip needs to decide on Zip64
   */
  static RawSink forStream(
      OutputStream out, ImageFormat format, String imageName, long entryTime, OptionalLong rawSize)
      throws IOException {
    CountingOutputStream counted = new CountingOutputStream(out);
    if (format == ImageFormat.IMG) {
      return new StreamSink(counted, counted);
    }
    OutputStream buffered = new BufferedOutputStream(counted, COMPRESSED_BUFFER);
    switch (format) {
      case IMG_ZIP:
        return new ZipSink(counted, buffered, imageName, entryTime, rawSize);
      case IMG_GZ:
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(DEFLATE_LEVEL);
        return new StreamSink(counted, new GzipCompressorOutputStream(buffered, parameters));
      case IMG_XZ:
        return new StreamSink(counted, new XZOutputStream(buffered, new LZMA2Options(XZ_PRESET)));
      case IMG_ZST:
        ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(buffered, ZSTD_LEVEL);
        zstd.setChecksum(true);
        int spare = Runtime.getRuntime().availableProcessors() - 1;
        if (spare > 0) {
          zstd.setWorkers(spare);
        }
        return new StreamSink(counted, zstd);
      default:
        throw new IllegalArgumentException("No sink for " + format);
    }
  }
}
