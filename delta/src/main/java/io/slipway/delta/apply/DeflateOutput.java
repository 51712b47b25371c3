package io.slipway.delta.apply;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.recompress.DeflateCompressor;
import io.slipway.delta.recompress.DeflateRecipe;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * Compresses the content operations' bytes between a begin-deflate and an end-deflate record into
 * the layer, as a raw deflate stream made with the record's recipe (zlib or GNU gzip), counting and
 * checksumming the uncompressed bytes.
 *
 * <p>NOTE: input reaches the compressor in chunks of up to 64 KiB. GNU gzip's output, and zlib's at
 * levels 1 to 9, does not depend on how the input is split. At level 0 zlib's stored blocks may, so
 * a level-0 recipe found by compressing the content in one call may rebuild other bytes. The blob
 * digest check then rejects the layer; it is never accepted silently.
 */
final class DeflateOutput extends OutputStream {

  private final DeflateCompressor compressor;
  private final CRC32 crc = new CRC32();
  private long compressed;

  private final ExpansionBudget budget;

  /** Creates a deflate section writing into {@code out}, charging its input to {@code budget}. */
  DeflateOutput(DeflateRecipe recipe, OutputStream out, ExpansionBudget budget) {
    this.compressor = recipe.newCompressor(new CountingOutput(out));
    this.budget = budget;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    budget.charge(len);
    crc.update(b, off, len);
    compressor.write(b, off, len);
  }

  /**
   * Ends the deflate stream and checks it against the end record.
   *
   * @throws DeltaException {@code DIGEST_MISMATCH} when the CRC-32 or compressed length differs
   */
  void finish(long expectedLength, long expectedCrc32) throws IOException {
    try {
      compressor.finish();
    } finally {
      compressor.close();
    }
    if (crc.getValue() != expectedCrc32) {
      throw new DeltaException(
          DeltaFailure.DIGEST_MISMATCH,
          String.format(
              "A rebuilt archive entry has CRC-32 %08x, expected %08x; the payload does not match"
                  + " its base",
              crc.getValue(), expectedCrc32));
    }
    if (compressed != expectedLength) {
      throw new DeltaException(
          DeltaFailure.DIGEST_MISMATCH,
          "A rebuilt archive entry compresses to "
              + compressed
              + " bytes, expected "
              + expectedLength
              + "; the deflate recipe does not reproduce it");
    }
  }

  /** Frees the compressor after a failure. */
  void abandon() {
    compressor.close();
  }

  /** Passes the compressed bytes on and counts them. */
  private final class CountingOutput extends FilterOutputStream {

    CountingOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      compressed++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      compressed += len;
    }
  }
}
