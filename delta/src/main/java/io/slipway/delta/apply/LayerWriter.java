package io.slipway.delta.apply;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.format.LayerEncoding;
import io.slipway.delta.format.PayloadRecord;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Receives a rebuilt layer's uncompressed tar and computes its diff_id. Compresses it as the
 * layer's encoding specifies into a partial staging file while computing the blob digest, and
 * verifies both at the end. Rejects bytes past the layer's declared size, an uncompressed layer
 * whose declared size is not its signed blob size, and compressed output past the blob size. So a
 * bad payload writes at most about the target's blob sizes before its digests fail, except for a
 * layer kept uncompressed from a compressed blob (see {@link #checkDeclaredSize}).
 */
final class LayerWriter extends OutputStream {

  private final PayloadRecord.BeginLayer layer;
  private final Staging staging;
  private final String stagedHex;
  private final Path partial;
  private final DigestingOutputStream blob;
  private final OutputStream compressor;
  private final DigestingOutputStream tar;

  LayerWriter(PayloadRecord.BeginLayer layer, Staging staging) throws IOException {
    this.layer = layer;
    this.staging = staging;
    checkDeclaredSize(layer);
    this.stagedHex = uncompressed() ? layer.diffId().hex() : layer.blob().digest().hex();
    this.partial = staging.partial(stagedHex);
    OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
    // An uncompressed blob is the tar itself, whose digest the tar stream computes already.
    this.blob =
        compressed() ? new DigestingOutputStream(file) : DigestingOutputStream.countingOnly(file);
    this.compressor = compressor(layer.encoding(), blob);
    this.tar = new DigestingOutputStream(compressor);
  }

  /**
   * Rejects an uncompressed layer whose declared tar size is not its blob size. The manifest signs
   * the blob size, so this bounds what the layer may write before any digest is known.
   *
   * <p>NOTE: a layer kept uncompressed from a gzip or zstd blob has no signed uncompressed size, so
   * only its declared size bounds the disk it may fill before its diff_id check fails.
   */
  private static void checkDeclaredSize(PayloadRecord.BeginLayer layer) {
    boolean tarIsBlob =
        layer.encoding() instanceof LayerEncoding.Plain
            || layer.encoding() instanceof LayerEncoding.DiffIdOnly diffIdOnly
                && diffIdOnly.compression() == Compression.NONE;
    if (tarIsBlob && layer.uncompressedSize() != layer.blob().size()) {
      throw new DeltaException(
          DeltaFailure.CORRUPT_PAYLOAD,
          "The payload declares "
              + layer.uncompressedSize()
              + " bytes for uncompressed layer "
              + layer.blob().digest()
              + ", but the manifest lists "
              + layer.blob().size()
              + "; download it again");
    }
  }

  private boolean uncompressed() {
    return layer.encoding() instanceof LayerEncoding.DiffIdOnly;
  }

  private boolean compressed() {
    return layer.encoding() instanceof LayerEncoding.Gzip
        || layer.encoding() instanceof LayerEncoding.Zstd;
  }

  private static OutputStream compressor(LayerEncoding encoding, OutputStream out)
      throws IOException {
    if (encoding instanceof LayerEncoding.Gzip gzip) {
      return gzip.recipe().compressor(out);
    }
    if (encoding instanceof LayerEncoding.Zstd zstd) {
      return zstd.recipe().compressor(out);
    }
    return out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len > layer.uncompressedSize() - tar.count()) {
      throw new DeltaException(
          DeltaFailure.CORRUPT_PAYLOAD,
          "The payload's operations produce more than the "
              + layer.uncompressedSize()
              + " bytes of layer "
              + layer.blob().digest()
              + "; download it again");
    }
    tar.write(b, off, len);
    if (compressed() && blob.count() > layer.blob().size()) {
      throw new DeltaException(
          DeltaFailure.CORRUPT_PAYLOAD,
          "The payload's operations compress to more than the "
              + layer.blob().size()
              + " bytes of layer "
              + layer.blob().digest()
              + "; download it again");
    }
  }

  /**
   * Ends the layer: closes the staged file, checks size, diff_id and blob digest, and renames it to
   * its final name.
   *
   * @return the staged file
   * @throws DeltaException {@code CORRUPT_PAYLOAD} when the operations produced fewer bytes than
   *     the layer's size, {@code DIGEST_MISMATCH} when a digest differs
   */
  Path finish() throws IOException {
    if (tar.count() != layer.uncompressedSize()) {
      throw new DeltaException(
          DeltaFailure.CORRUPT_PAYLOAD,
          "Layer "
              + layer.blob().digest()
              + " ended after "
              + tar.count()
              + " of its "
              + layer.uncompressedSize()
              + " bytes; download the payload again");
    }
    compressor.close();

    Digest diffId = tar.digest();
    if (!diffId.equals(layer.diffId())) {
      throw mismatch("diff_id", layer.diffId(), diffId);
    }
    if (!uncompressed()) {
      Digest digest = compressed() ? blob.digest() : diffId;
      if (!digest.equals(layer.blob().digest()) || blob.count() != layer.blob().size()) {
        throw mismatch("blob digest", layer.blob().digest(), digest);
      }
    }
    return staging.commit(partial, stagedHex);
  }

  /**
   * Closes the compressor, which frees its native memory, and the staged file after a failure. The
   * caller discards staging.
   */
  void abandon() {
    try {
      compressor.close();
    } catch (IOException | RuntimeException e) {
      // The partial file is deleted next, so a failed close loses nothing.
    }
    try {
      blob.close();
    } catch (IOException e) {
      // As above: the partial file is deleted next.
    }
  }

  private DeltaException mismatch(String what, Digest expected, Digest actual) {
    return new DeltaException(
        DeltaFailure.DIGEST_MISMATCH,
        "Rebuilt layer "
            + layer.blob().digest()
            + " has "
            + what
            + " "
            + actual
            + ", expected "
            + expected
            + "; the payload does not match its base");
  }
}
