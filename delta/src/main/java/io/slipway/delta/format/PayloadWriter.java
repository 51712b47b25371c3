package io.slipway.delta.format;

import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.recompress.DeflateRecipe;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes a delta payload as a stream of records; docs/delta.md specifies the bytes. Calls must
 * follow the grammar: {@link #header}, then for each blob of the target image either {@link #blob},
 * {@link #reuse}, or {@link #beginLayer} followed by content operations and {@link #endLayer}; then
 * {@link #finish}. Content operations inside a layer are {@link #literal}, {@link #copy}, {@link
 * #zstdPatch}, {@link #bsdiff}, and {@link #beginDeflate} ... {@link #endDeflate} around content
 * operations (which do not nest further). A call out of order throws {@link IllegalStateException}.
 * Not thread-safe.
 */
public final class PayloadWriter implements Closeable {

  /**
   * Starts a payload on {@code out}, compressing its records with zstd at {@code level}.
   *
   * @param level the outer zstd level, 1 to 22; the server uses 19
   */
  public PayloadWriter(OutputStream out, int level) {
    // TODO: contract only; filled with the payload format.
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Writes the header: the base and target manifests' digests and the base layers that operations
   * read, by position.
   */
  public void header(Digest sourceManifest, Digest targetManifest, List<SourceLayer> sourceLayers)
      throws IOException {}

  /** Writes a whole blob of the target image (manifest, config, a new small layer) literally. */
  public void blob(Descriptor descriptor, InputStream content) throws IOException {}

  /** Records that the target layer {@code digest} is a blob the base image holds. */
  public void reuse(Descriptor descriptor) throws IOException {}

  /**
   * Starts a target layer whose uncompressed tar the following operations produce.
   *
   * @param blob the target layer blob as the target manifest lists it
   * @param diffId the digest of the uncompressed tar the operations produce
   * @param uncompressedSize the uncompressed tar's size in bytes
   * @param encoding how the applier turns the tar into {@code blob}
   */
  public void beginLayer(
      Descriptor blob, Digest diffId, long uncompressedSize, LayerEncoding encoding)
      throws IOException {}

  /** Outputs {@code length} bytes of {@code bytes} from {@code offset} as they are. */
  public void literal(byte[] bytes, int offset, int length) throws IOException {}

  /** Outputs the bytes of {@code reference} as they are. */
  public void copy(Reference reference) throws IOException {}

  /**
   * Outputs {@code targetLength} bytes that {@code frame}, a single zstd frame made with the bytes
   * of {@code reference} as a raw-content dictionary, decompresses to.
   *
   * @throws IllegalArgumentException when the reference exceeds {@link
   *     DeltaFormat#MAX_ZSTD_REFERENCE} or the target {@link DeltaFormat#MAX_ZSTD_TARGET}
   */
  public void zstdPatch(Reference reference, long targetLength, byte[] frame) throws IOException {}

  /** Outputs what {@code patch} makes of the bytes of {@code reference}. */
  public void bsdiff(Reference reference, BsdiffPatch patch) throws IOException {}

  /**
   * Starts a raw deflate stream: the content operations up to {@link #endDeflate} produce
   * uncompressed bytes, which the applier compresses with {@code recipe} and outputs.
   */
  public void beginDeflate(DeflateRecipe recipe) throws IOException {}

  /**
   * Ends the deflate stream that {@link #beginDeflate} started.
   *
   * @param compressedLength the length of the deflate stream the recipe must give
   * @param crc32 the CRC-32 of the uncompressed bytes
   */
  public void endDeflate(long compressedLength, long crc32) throws IOException {}

  /** Ends the current layer. */
  public void endLayer() throws IOException {}

  /** Writes the end record and flushes; the payload is complete. Does not close {@code out}. */
  public void finish() throws IOException {}

  /** Releases the compressor; does not close the underlying stream. */
  @Override
  public void close() throws IOException {}
}
