package io.slipway.delta.format;

import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.recompress.DeflateRecipe;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads a delta payload record by record as it streams in, holding no more than one record's fixed
 * fields and small buffers. It checks the magic, the version, the grammar that {@link
 * PayloadWriter} documents, and that every reference lies inside a base layer the header lists;
 * whether the content is right is the applier's check. Bulk bytes of the current record stream from
 * {@link #content()}; whatever of them the caller leaves unread, {@link #next()} skips. Not
 * thread-safe.
 *
 * <p>Every method throws {@link DeltaException}: {@code UNSUPPORTED_FORMAT} for another magic or
 * version, {@code TRUNCATED_PAYLOAD} when the bytes end before the end record, {@code
 * CORRUPT_PAYLOAD} for bytes that break the format, and {@code IO} when reading the underlying
 * stream fails.
 */
public final class PayloadReader implements Closeable {

  private enum State {
    START,
    BLOBS,
    LAYER,
    DEFLATE,
    DONE
  }

  /** Decompressed bytes a zstd patch's frame may take: its target plus zstd's worst-case growth. */
  private static final long MAX_ZSTD_FRAME = DeltaFormat.MAX_ZSTD_TARGET + (1 << 20);

  private final RawInput raw;
  private DataInputStream records;
  private ZstdInputStreamNoFinalizer zstd;
  private State state = State.START;
  private List<SourceLayer> sourceLayers = List.of();
  private long contentRemaining;
  private long controlsRemaining;
  private long bsdiffRemaining;
  private final InputStream content = new ContentStream();

  /** Reads the payload from {@code payload}; nothing is read before the first {@link #next()}. */
  public PayloadReader(InputStream payload) {
    this.raw = new RawInput(Objects.requireNonNull(payload, "payload"));
  }

  /**
   * Reads the next record, first skipping what the caller left unread of the current one.
   *
   * @throws IllegalStateException after the end record
   */
  public PayloadRecord next() {
    if (state == State.DONE) {
      throw new IllegalStateException("The payload has ended; there is no next record");
    }
    try {
      if (state == State.START) {
        return readPrefixAndHeader();
      }
      skipCurrent();
      return readRecord(records.readUnsignedByte());
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * Returns the bytes of the current record: a blob's content, a literal's bytes, a zstd patch's
   * frame, or the diff bytes then extra bytes of the bsdiff step that {@link #nextControl()} last
   * returned. The stream ends after them and throws {@link DeltaException} as {@link #next()} does.
   * Closing it does nothing.
   */
  public InputStream content() {
    return content;
  }

  /**
   * Reads the next step of the current bsdiff record, skipping what is left of the previous step's
   * bytes; its {@code addLength} diff bytes and then {@code insertLength} extra bytes follow in
   * {@link #content()}.
   *
   * @throws IllegalStateException when the current record is not a bsdiff with steps left
   */
  public BsdiffPatch.Control nextControl() {
    if (controlsRemaining == 0) {
      throw new IllegalStateException("The current record has no bsdiff step left");
    }
    try {
      skipContent();
      long add = Wire.readVarint(records);
      long insert = Wire.readVarint(records);
      long seek = Wire.readSignedVarint(records);
      if (add > bsdiffRemaining || insert > bsdiffRemaining - add) {
        throw new Wire.MalformedRecordException(
            "a bsdiff step makes more bytes than the patch's target length");
      }
      bsdiffRemaining -= add + insert;
      controlsRemaining--;
      if (controlsRemaining == 0 && bsdiffRemaining != 0) {
        throw new Wire.MalformedRecordException(
            "the bsdiff steps end " + bsdiffRemaining + " bytes before the patch's target length");
      }
      contentRemaining = add + insert;
      return new BsdiffPatch.Control(add, insert, seek);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Returns how many payload bytes have been read so far, as they arrived (compressed). */
  public long bytesRead() {
    return raw.count;
  }

  /** Releases the decompressor; does not close the payload stream. */
  @Override
  public void close() {
    if (zstd != null) {
      try {
        zstd.close();
      } catch (IOException e) {
        // Nothing was written; a failure to free the native context leaves nothing to undo.
      }
      zstd = null;
    }
  }

  private PayloadRecord readPrefixAndHeader() throws IOException {
    DataInputStream prefix = new DataInputStream(raw);
    byte[] magic = new byte[Wire.MAGIC.length];
    prefix.readFully(magic);
    if (!Arrays.equals(magic, Wire.MAGIC)) {
      throw new DeltaException(
          DeltaFailure.UNSUPPORTED_FORMAT,
          "The payload does not start with the delta magic; it is not a Slipway delta payload");
    }
    int version = prefix.readInt();
    if (version != DeltaFormat.VERSION) {
      throw new DeltaException(
          DeltaFailure.UNSUPPORTED_FORMAT,
          "The payload has format version "
              + Integer.toUnsignedString(version)
              + ", but this code reads only version "
              + DeltaFormat.VERSION
              + "; update the device agent or make the delta again");
    }

    zstd = new ZstdInputStreamNoFinalizer(raw);
    zstd.setLongMax(Wire.OUTER_WINDOW_LOG);
    // Record fields are read a byte at a time; the buffer saves a native call per byte.
    records = new DataInputStream(new BufferedInputStream(zstd, 1 << 16));
    int tag = records.readUnsignedByte();
    if (tag != Wire.HEADER) {
      throw unexpected(tag);
    }
    return readHeader();
  }

  private PayloadRecord.Header readHeader() throws IOException {
    var source = Wire.readDigest(records);
    var target = Wire.readDigest(records);
    long count = Wire.readVarint(records);
    if (count > Wire.MAX_SOURCE_LAYERS) {
      throw new Wire.MalformedRecordException(
          count + " source layers exceed the limit of " + Wire.MAX_SOURCE_LAYERS);
    }
    List<SourceLayer> layers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      var blob = Wire.readDigest(records);
      var diffId = Wire.readDigest(records);
      layers.add(new SourceLayer(blob, diffId, Wire.readVarint(records)));
    }
    sourceLayers = List.copyOf(layers);
    state = State.BLOBS;
    return new PayloadRecord.Header(source, target, sourceLayers);
  }

  private PayloadRecord readRecord(int tag) throws IOException {
    switch (state) {
      case BLOBS:
        return readBlobRecord(tag);
      case LAYER:
        if (tag == Wire.END_LAYER) {
          state = State.BLOBS;
          return new PayloadRecord.EndLayer();
        }
        if (tag == Wire.BEGIN_DEFLATE) {
          state = State.DEFLATE;
          return new PayloadRecord.BeginDeflate(readDeflateRecipe());
        }
        return readContentRecord(tag);
      case DEFLATE:
        if (tag == Wire.END_DEFLATE) {
          state = State.LAYER;
          long compressedLength = Wire.readVarint(records);
          return new PayloadRecord.EndDeflate(
              compressedLength, Integer.toUnsignedLong(records.readInt()));
        }
        return readContentRecord(tag);
      default:
        throw unexpected(tag);
    }
  }

  private PayloadRecord readBlobRecord(int tag) throws IOException {
    if (tag == Wire.BLOB) {
      var descriptor = Wire.readDescriptor(records);
      contentRemaining = descriptor.size();
      return new PayloadRecord.Blob(descriptor);
    }
    if (tag == Wire.REUSE) {
      return new PayloadRecord.Reuse(Wire.readDescriptor(records));
    }
    if (tag == Wire.BEGIN_LAYER) {
      var blob = Wire.readDescriptor(records);
      var diffId = Wire.readDigest(records);
      long size = Wire.readVarint(records);
      var encoding = Wire.readEncoding(records);
      state = State.LAYER;
      return new PayloadRecord.BeginLayer(blob, diffId, size, encoding);
    }
    if (tag == Wire.END) {
      return readEnd();
    }
    throw unexpected(tag);
  }

  private PayloadRecord readEnd() throws IOException {
    if (records.read() >= 0) {
      throw new Wire.MalformedRecordException("bytes follow the end record");
    }
    state = State.DONE;
    return new PayloadRecord.End();
  }

  private PayloadRecord readContentRecord(int tag) throws IOException {
    switch (tag) {
      case Wire.LITERAL:
        contentRemaining = Wire.readVarint(records);
        return new PayloadRecord.Literal(contentRemaining);
      case Wire.COPY:
        return new PayloadRecord.Copy(readReference());
      case Wire.ZSTD_PATCH:
        return readZstdPatch();
      case Wire.BSDIFF:
        return readBsdiff();
      default:
        throw unexpected(tag);
    }
  }

  private PayloadRecord readZstdPatch() throws IOException {
    Reference reference = readReference();
    long targetLength = Wire.readVarint(records);
    long frameLength = Wire.readVarint(records);
    if (reference.length() > DeltaFormat.MAX_ZSTD_REFERENCE) {
      throw new Wire.MalformedRecordException(
          "a zstd patch reference of " + reference.length() + " bytes exceeds the limit");
    }
    if (targetLength > DeltaFormat.MAX_ZSTD_TARGET || frameLength > MAX_ZSTD_FRAME) {
      throw new Wire.MalformedRecordException(
          "a zstd patch of "
              + targetLength
              + " bytes in a frame of "
              + frameLength
              + " bytes exceeds the limits");
    }
    contentRemaining = frameLength;
    return new PayloadRecord.ZstdPatch(reference, targetLength, frameLength);
  }

  private PayloadRecord readBsdiff() throws IOException {
    Reference reference = readReference();
    long targetLength = Wire.readVarint(records);
    long controls = Wire.readVarint(records);
    if (controls == 0 && targetLength != 0) {
      throw new Wire.MalformedRecordException("a bsdiff patch without steps has a target length");
    }
    controlsRemaining = controls;
    bsdiffRemaining = targetLength;
    return new PayloadRecord.Bsdiff(reference, targetLength, controls);
  }

  private DeflateRecipe readDeflateRecipe() throws IOException {
    try {
      return DeflateRecipe.readFrom(records);
    } catch (IllegalArgumentException e) {
      throw new Wire.MalformedRecordException("the deflate recipe is invalid: " + e.getMessage());
    }
  }

  private Reference readReference() throws IOException {
    Reference reference = Wire.readReference(records);
    if (reference instanceof InflatedRange inflated
        && inflated.length() > DeltaFormat.MAX_INFLATED_REFERENCE) {
      throw new Wire.MalformedRecordException(
          "an inflated reference of "
              + inflated.length()
              + " bytes exceeds the limit of "
              + DeltaFormat.MAX_INFLATED_REFERENCE);
    }
    SourceRange range =
        reference instanceof InflatedRange inflated ? inflated.deflated() : (SourceRange) reference;
    if (range.layer() >= sourceLayers.size()) {
      throw new Wire.MalformedRecordException(
          "a reference names source layer "
              + range.layer()
              + ", but the header lists "
              + sourceLayers.size());
    }
    long size = sourceLayers.get(range.layer()).uncompressedSize();
    if (range.offset() > size || range.length() > size - range.offset()) {
      throw new Wire.MalformedRecordException(
          "a reference to "
              + range.length()
              + " bytes at offset "
              + range.offset()
              + " lies past the end of source layer "
              + range.layer()
              + " ("
              + size
              + " bytes)");
    }
    return reference;
  }

  private void skipCurrent() throws IOException {
    skipContent();
    while (controlsRemaining > 0) {
      nextControl();
      skipContent();
    }
  }

  private void skipContent() throws IOException {
    while (contentRemaining > 0) {
      long skipped = records.skip(contentRemaining);
      if (skipped <= 0) {
        records.readUnsignedByte();
        skipped = 1;
      }
      contentRemaining -= skipped;
    }
  }

  private IOException unexpected(int tag) {
    return new Wire.MalformedRecordException(
        String.format("record tag 0x%02x is not allowed %s", tag, where()));
  }

  private String where() {
    switch (state) {
      case START:
        return "at the start (expected the header)";
      case LAYER:
        return "inside a layer";
      case DEFLATE:
        return "inside a deflate stream";
      default:
        return "between blobs";
    }
  }

  private DeltaException failure(IOException e) {
    if (raw.failure != null) {
      return new DeltaException(
          DeltaFailure.IO,
          "Reading the payload failed after " + raw.count + " bytes: " + raw.failure.getMessage(),
          e);
    }
    if (e instanceof Wire.MalformedRecordException) {
      return new DeltaException(
          DeltaFailure.CORRUPT_PAYLOAD,
          "The payload is corrupt: " + e.getMessage() + "; download it again",
          e);
    }
    if (raw.ended && (e instanceof EOFException || isZstdTruncation(e))) {
      return new DeltaException(
          DeltaFailure.TRUNCATED_PAYLOAD,
          "The payload ends after "
              + raw.count
              + " bytes, before its end record; download it again",
          e);
    }
    return new DeltaException(
        DeltaFailure.CORRUPT_PAYLOAD,
        "The payload's zstd stream is corrupt (read "
            + raw.count
            + " bytes): "
            + e.getMessage()
            + "; download it again",
        e);
  }

  /** Returns whether zstd-jni reports that its input ended inside a frame. */
  private static boolean isZstdTruncation(IOException e) {
    return e instanceof ZstdIOException && String.valueOf(e.getMessage()).contains("Truncated");
  }

  /** The payload as it arrives: counts bytes and remembers whether it ended or failed. */
  private static final class RawInput extends InputStream {

    private final InputStream in;
    private long count;
    private boolean ended;
    private IOException failure;

    RawInput(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int read;
      try {
        read = in.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
      if (read < 0) {
        ended = true;
        return -1;
      }
      count += read;
      return read;
    }
  }

  /** The current record's bulk bytes, bounded by what remains of them. */
  private final class ContentStream extends InputStream {

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (contentRemaining == 0) {
        return -1;
      }
      try {
        int read = records.read(b, off, (int) Math.min(len, contentRemaining));
        if (read < 0) {
          throw new EOFException("the payload ended inside a record's bytes");
        }
        contentRemaining -= read;
        return read;
      } catch (IOException e) {
        throw failure(e);
      }
    }

    @Override
    public void close() {}
  }
}
