package io.slipway.delta.format;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.recompress.DeflateRecipe;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * Writes a delta payload as a stream of records; docs/delta.md specifies the bytes. Calls must
 * follow the grammar: {@link #header}, then for each blob of the target image either {@link #blob},
 * {@link #reuse}, or {@link #beginLayer} followed by content operations and {@link #endLayer}; then
 * {@link #finish}. Content operations inside a layer are {@link #literal}, {@link #copy}, {@link
 * #zstdPatch}, {@link #bsdiff}, and {@link #beginDeflate} ... {@link #endDeflate} around content
 * operations (which do not nest further). A call out of order throws {@link IllegalStateException}.
 * Not thread-safe.
 *
 * <p>The target blobs follow the target manifest's order: the manifest, its config, then one record
 * per layer. The writer also checks what it can without the images: references lie inside the
 * header's base layers, and each layer's operations produce exactly its uncompressed size.
 */
public final class PayloadWriter implements Closeable {

  private enum State {
    START,
    BLOBS,
    LAYER,
    DEFLATE,
    FINISHED
  }

  private final OutputStream out;
  private final int level;
  private ZstdOutputStreamNoFinalizer zstd;
  private DataOutputStream records;
  private State state = State.START;
  private List<SourceLayer> sourceLayers = List.of();
  private long layerRemaining;
  private Descriptor layerBlob;

  /**
   * Starts a payload on {@code out}, compressing its records with zstd at {@code level}.
   *
   * @param level the outer zstd level, 1 to 22; the server uses 19
   * @throws IllegalArgumentException naming the level when it is out of range
   */
  public PayloadWriter(OutputStream out, int level) {
    this.out = Objects.requireNonNull(out, "out");
    if (level < 1 || level > 22) {
      throw new IllegalArgumentException("Zstd level " + level + " is not 1 to 22");
    }
    this.level = level;
  }

  /**
   * Writes the magic, the format version and the header: the base and target manifests' digests and
   * the base layers that operations read, by position.
   */
  public void header(Digest sourceManifest, Digest targetManifest, List<SourceLayer> sourceLayers)
      throws IOException {
    expect(State.START, "header");
    if (sourceLayers.size() > Wire.MAX_SOURCE_LAYERS) {
      throw new IllegalArgumentException(
          sourceLayers.size() + " source layers exceed the limit of " + Wire.MAX_SOURCE_LAYERS);
    }
    this.sourceLayers = List.copyOf(sourceLayers);

    DataOutputStream prefix = new DataOutputStream(out);
    prefix.write(Wire.MAGIC);
    prefix.writeInt(DeltaFormat.VERSION);
    openRecords();

    records.writeByte(Wire.HEADER);
    Wire.writeDigest(records, sourceManifest);
    Wire.writeDigest(records, targetManifest);
    Wire.writeVarint(records, sourceLayers.size());
    for (SourceLayer layer : sourceLayers) {
      Wire.writeDigest(records, layer.blob());
      Wire.writeDigest(records, layer.diffId());
      Wire.writeVarint(records, layer.uncompressedSize());
    }
    state = State.BLOBS;
  }

  private void openRecords() throws IOException {
    zstd = new ZstdOutputStreamNoFinalizer(new KeepOpen(out), level);
    zstd.setWindowLog(Wire.OUTER_WINDOW_LOG);
    zstd.setChecksum(true);
    records = new DataOutputStream(new BufferedOutputStream(zstd, 1 << 16));
  }

  /**
   * Writes a whole blob of the target image (manifest, config, a new small layer) literally.
   *
   * @param content exactly {@code descriptor.size()} bytes; the caller closes it
   * @throws IllegalArgumentException when {@code content} is shorter or longer
   */
  public void blob(Descriptor descriptor, InputStream content) throws IOException {
    expect(State.BLOBS, "blob");
    records.writeByte(Wire.BLOB);
    Wire.writeDescriptor(records, descriptor);

    byte[] buffer = new byte[1 << 16];
    long remaining = descriptor.size();
    while (remaining > 0) {
      int read = content.read(buffer, 0, (int) Math.min(buffer.length, remaining));
      if (read < 0) {
        throw new IllegalArgumentException(
            "Blob " + descriptor.digest() + " ended " + remaining + " bytes before its size");
      }
      records.write(buffer, 0, read);
      remaining -= read;
    }
    if (content.read() >= 0) {
      throw new IllegalArgumentException(
          "Blob " + descriptor.digest() + " is longer than its size " + descriptor.size());
    }
  }

  /** Records that the target layer {@code descriptor} is a blob the base image holds. */
  public void reuse(Descriptor descriptor) throws IOException {
    expect(State.BLOBS, "reuse");
    records.writeByte(Wire.REUSE);
    Wire.writeDescriptor(records, descriptor);
  }

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
      throws IOException {
    expect(State.BLOBS, "beginLayer");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(encoding, "encoding");
    if (encoding instanceof LayerEncoding.Plain && !blob.digest().equals(diffId)) {
      throw new IllegalArgumentException(
          "A plain layer's blob digest " + blob.digest() + " must equal its diff_id " + diffId);
    }
    records.writeByte(Wire.BEGIN_LAYER);
    Wire.writeDescriptor(records, blob);
    Wire.writeDigest(records, diffId);
    Wire.writeVarint(records, uncompressedSize);
    Wire.writeEncoding(records, encoding);
    layerBlob = blob;
    layerRemaining = uncompressedSize;
    state = State.LAYER;
  }

  /** Outputs {@code length} bytes of {@code bytes} from {@code offset} as they are. */
  public void literal(byte[] bytes, int offset, int length) throws IOException {
    expectContent("literal");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    produce(length);
    records.writeByte(Wire.LITERAL);
    Wire.writeVarint(records, length);
    records.write(bytes, offset, length);
  }

  /** Outputs the bytes of {@code reference} as they are. */
  public void copy(Reference reference) throws IOException {
    expectContent("copy");
    checkInside(reference);
    produce(reference.length());
    records.writeByte(Wire.COPY);
    Wire.writeReference(records, reference);
  }

  /**
   * Outputs {@code targetLength} bytes that {@code frame}, a single zstd frame made with the bytes
   * of {@code reference} as a raw-content dictionary, decompresses to. The frame's window log must
   * not exceed {@link DeltaFormat#MAX_ZSTD_PATCH_WINDOW_LOG}.
   *
   * @throws IllegalArgumentException when the reference exceeds {@link
   *     DeltaFormat#MAX_ZSTD_REFERENCE} or the target {@link DeltaFormat#MAX_ZSTD_TARGET}
   */
  public void zstdPatch(Reference reference, long targetLength, byte[] frame) throws IOException {
    expectContent("zstdPatch");
    checkInside(reference);
    if (reference.length() > DeltaFormat.MAX_ZSTD_REFERENCE) {
      throw new IllegalArgumentException(
          "A zstd patch reference of "
              + reference.length()
              + " bytes exceeds "
              + DeltaFormat.MAX_ZSTD_REFERENCE);
    }
    if (targetLength < 0 || targetLength > DeltaFormat.MAX_ZSTD_TARGET) {
      throw new IllegalArgumentException(
          "A zstd patch target of "
              + targetLength
              + " bytes is not 0 to "
              + DeltaFormat.MAX_ZSTD_TARGET);
    }
    produce(targetLength);
    records.writeByte(Wire.ZSTD_PATCH);
    Wire.writeReference(records, reference);
    Wire.writeVarint(records, targetLength);
    Wire.writeVarint(records, frame.length);
    records.write(frame);
  }

  /**
   * Outputs what {@code patch} makes of the bytes of {@code reference}. The writer interleaves each
   * control with its diff and extra bytes, so that the applier streams the patch.
   *
   * @throws IllegalArgumentException when an add step would read outside the reference
   */
  public void bsdiff(Reference reference, BsdiffPatch patch) throws IOException {
    expectContent("bsdiff");
    checkInside(reference);
    checkAddsInside(reference, patch);
    produce(patch.targetLength());
    records.writeByte(Wire.BSDIFF);
    Wire.writeReference(records, reference);
    Wire.writeVarint(records, patch.targetLength());
    Wire.writeVarint(records, patch.controls().size());

    int diffAt = 0;
    int extraAt = 0;
    for (BsdiffPatch.Control control : patch.controls()) {
      Wire.writeVarint(records, control.addLength());
      Wire.writeVarint(records, control.insertLength());
      Wire.writeSignedVarint(records, control.seek());
      records.write(patch.diff(), diffAt, (int) control.addLength());
      records.write(patch.extra(), extraAt, (int) control.insertLength());
      diffAt += (int) control.addLength();
      extraAt += (int) control.insertLength();
    }
  }

  private static void checkAddsInside(Reference reference, BsdiffPatch patch) {
    long position = 0;
    for (BsdiffPatch.Control control : patch.controls()) {
      if (control.addLength() > 0
          && (position < 0 || position + control.addLength() > reference.length())) {
        throw new IllegalArgumentException(
            "A bsdiff step reads "
                + control.addLength()
                + " bytes at "
                + position
                + ", outside the reference of "
                + reference.length()
                + " bytes");
      }
      position += control.addLength() + control.seek();
    }
  }

  /**
   * Starts a raw deflate stream: the content operations up to {@link #endDeflate} produce
   * uncompressed bytes, which the applier compresses with {@code recipe} and outputs.
   */
  public void beginDeflate(DeflateRecipe recipe) throws IOException {
    expect(State.LAYER, "beginDeflate");
    records.writeByte(Wire.BEGIN_DEFLATE);
    recipe.writeTo(records);
    state = State.DEFLATE;
  }

  /**
   * Ends the deflate stream that {@link #beginDeflate} started.
   *
   * @param compressedLength the length of the deflate stream the recipe must give
   * @param crc32 the CRC-32 of the uncompressed bytes
   */
  public void endDeflate(long compressedLength, long crc32) throws IOException {
    expect(State.DEFLATE, "endDeflate");
    if (crc32 < 0 || crc32 > 0xffffffffL) {
      throw new IllegalArgumentException("CRC-32 " + crc32 + " is not an unsigned 32-bit value");
    }
    state = State.LAYER;
    produce(compressedLength);
    records.writeByte(Wire.END_DEFLATE);
    Wire.writeVarint(records, compressedLength);
    records.writeInt((int) crc32);
  }

  /**
   * Ends the current layer.
   *
   * @throws IllegalStateException when the operations produced fewer bytes than the layer's size
   */
  public void endLayer() throws IOException {
    expect(State.LAYER, "endLayer");
    if (layerRemaining != 0) {
      throw new IllegalStateException(
          "Layer "
              + layerBlob.digest()
              + " ends "
              + layerRemaining
              + " bytes short of its uncompressed size");
    }
    records.writeByte(Wire.END_LAYER);
    state = State.BLOBS;
  }

  /** Writes the end record and ends the zstd frame; the payload is complete. Keeps {@code out}. */
  public void finish() throws IOException {
    expect(State.BLOBS, "finish");
    records.writeByte(Wire.END);
    records.flush();
    zstd.close();
    zstd = null;
    out.flush();
    state = State.FINISHED;
  }

  /** Releases the compressor; does not close the underlying stream. */
  @Override
  public void close() throws IOException {
    if (zstd != null) {
      zstd.closeWithoutClosingParentStream();
      zstd = null;
    }
  }

  private void expect(State expected, String call) {
    if (state != expected) {
      throw new IllegalStateException(call + " is not allowed in state " + state);
    }
  }

  private void expectContent(String call) {
    if (state != State.LAYER && state != State.DEFLATE) {
      throw new IllegalStateException(call + " is allowed only inside a layer, not " + state);
    }
  }

  /** Counts bytes a top-level operation adds to the layer; deflated content counts at its end. */
  private void produce(long length) {
    if (state == State.DEFLATE) {
      return;
    }
    if (length > layerRemaining) {
      throw new IllegalStateException(
          "Layer "
              + layerBlob.digest()
              + " would exceed its uncompressed size by "
              + (length - layerRemaining)
              + " bytes");
    }
    layerRemaining -= length;
  }

  private void checkInside(Reference reference) {
    SourceRange range =
        reference instanceof InflatedRange inflated ? inflated.deflated() : (SourceRange) reference;
    if (range.layer() >= sourceLayers.size()) {
      throw new IllegalArgumentException(
          "Source layer "
              + range.layer()
              + " is not in the header, which lists "
              + sourceLayers.size());
    }
    long size = sourceLayers.get(range.layer()).uncompressedSize();
    if (range.offset() > size || range.length() > size - range.offset()) {
      throw new IllegalArgumentException(
          "Range at "
              + range.offset()
              + " of "
              + range.length()
              + " bytes lies outside source layer "
              + range.layer()
              + " of "
              + size
              + " bytes");
    }
  }

  /** Lets the zstd stream end its frame without closing the caller's stream. */
  private static final class KeepOpen extends FilterOutputStream {

    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
