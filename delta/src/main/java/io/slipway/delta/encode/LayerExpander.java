package io.slipway.delta.encode;

import com.github.luben.zstd.ZstdInputStream;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.Layer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/**
 * Copies layer blobs into scratch files and expands them to their uncompressed tars, checking the
 * blob digest and the diff_id on the way. Stateless and thread-safe.
 */
final class LayerExpander {

  private static final int BUFFER = 1 << 16;

  private LayerExpander() {}

  /**
   * Copies the blob of {@code layer} to {@code file}, checking its digest.
   *
   * @throws DeltaException {@code DIGEST_MISMATCH} when the blob hashes to another digest
   */
  static void copyBlob(ImageContent content, Layer layer, Path file) throws IOException {
    MessageDigest sha256 = Digest.newSha256();
    try (InputStream in = new DigestInputStream(content.open(layer.blob().digest()), sha256);
        OutputStream out = Files.newOutputStream(file)) {
      in.transferTo(out);
    }
    check(layer.blob().digest(), sha256, "blob");
  }

  /**
   * Expands the layer blob in {@code blob} (or read from {@code content} when {@code blob} is null)
   * into the uncompressed tar {@code file}.
   *
   * @throws DeltaException {@code DIGEST_MISMATCH} when the blob or the tar hashes to another
   *     digest than the manifest and the config list
   */
  static void expand(ImageContent content, Layer layer, Path blob, Path file) throws IOException {
    MessageDigest blobSha256 = Digest.newSha256();
    MessageDigest tarSha256 = Digest.newSha256();
    InputStream source =
        blob != null ? Files.newInputStream(blob) : content.open(layer.blob().digest());
    try (InputStream raw =
            new DigestInputStream(new BufferedInputStream(source, BUFFER), blobSha256);
        InputStream tar = decompress(layer.compression(), raw);
        OutputStream out = new DigestOutputStream(Files.newOutputStream(file), tarSha256)) {
      tar.transferTo(out);
      raw.transferTo(OutputStream.nullOutputStream());
    }
    check(layer.blob().digest(), blobSha256, "blob");
    check(layer.diffId(), tarSha256, "uncompressed tar (diff_id)");
  }

  private static InputStream decompress(Compression compression, InputStream raw)
      throws IOException {
    return switch (compression) {
      case NONE -> raw;
      case GZIP -> new GZIPInputStream(raw, BUFFER);
      case ZSTD -> new ZstdInputStream(raw);
    };
  }

  private static void check(Digest expected, MessageDigest sha256, String what) {
    Digest actual = Digest.fromHash(sha256.digest());
    if (!actual.equals(expected)) {
      throw new DeltaException(
          DeltaFailure.DIGEST_MISMATCH,
          "Layer "
              + what
              + " hashes to "
              + actual
              + " but the image lists "
              + expected
              + "; the image content is corrupt or another image's");
    }
  }
}
