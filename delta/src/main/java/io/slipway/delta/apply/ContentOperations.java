package io.slipway.delta.apply;

import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.format.BsdiffPatch;
import io.slipway.delta.format.DeltaFormat;
import io.slipway.delta.format.InflatedRange;
import io.slipway.delta.format.PayloadReader;
import io.slipway.delta.format.PayloadRecord;
import io.slipway.delta.format.Reference;
import io.slipway.delta.format.SourceRange;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Runs content records (literal, copy, zstd patch, bsdiff) against the expanded base layers,
 * writing what they produce to a target stream. Heap use is a few 64 KiB buffers, plus a zstd
 * patch's reference of at most 16 MiB while that patch runs.
 */
final class ContentOperations {

  private static final int BUFFER = 1 << 16;

  private final PayloadReader reader;
  private final BaseLayers base;
  private final Path scratch;
  private final byte[] buffer = new byte[BUFFER];
  private final byte[] referenceBuffer = new byte[BUFFER];
  private final byte[] copyBuffer = new byte[BUFFER];

  private final ExpansionBudget budget;

  /** Creates the operations of one apply, charging every inflated reference to {@code budget}. */
  ContentOperations(PayloadReader reader, BaseLayers base, Path scratch, ExpansionBudget budget) {
    this.reader = reader;
    this.base = base;
    this.scratch = scratch;
    this.budget = budget;
  }

  /** Returns the budget that inflated references are charged to, shared with deflate sections. */
  ExpansionBudget budget() {
    return budget;
  }

  /** Runs {@code record}, which must be a content record, writing its output to {@code out}. */
  void run(PayloadRecord record, OutputStream out) throws IOException {
    if (record instanceof PayloadRecord.Literal) {
      copyExactly(reader.content(), out, ((PayloadRecord.Literal) record).length());
    } else if (record instanceof PayloadRecord.Copy copy) {
      copyReference(copy.reference(), out);
    } else if (record instanceof PayloadRecord.ZstdPatch patch) {
      zstdPatch(patch, out);
    } else if (record instanceof PayloadRecord.Bsdiff patch) {
      bsdiff(patch, out);
    } else {
      throw new IllegalArgumentException(record + " is not a content record");
    }
  }

  private void copyReference(Reference reference, OutputStream out) throws IOException {
    if (reference instanceof SourceRange range) {
      base.copy(range, out);
      return;
    }
    try (InputStream inflated = inflate((InflatedRange) reference)) {
      copyExactly(inflated, out, reference.length());
    }
  }

  private void zstdPatch(PayloadRecord.ZstdPatch patch, OutputStream out) throws IOException {
    byte[] reference = readReference(patch.reference());
    InputStream frame = new KeepOpen(reader.content());
    try (ZstdInputStreamNoFinalizer decoded = new ZstdInputStreamNoFinalizer(frame)) {
      decoded.setLongMax(DeltaFormat.MAX_ZSTD_PATCH_WINDOW_LOG);
      decoded.setDict(reference);
      reference = null;
      copyExactly(decoded, out, patch.targetLength());
      if (decoded.read() >= 0) {
        throw corrupt("a zstd patch decodes to more than its " + patch.targetLength() + " bytes");
      }
    } catch (ZstdIOException e) {
      throw corrupt("a zstd patch does not decode: " + e.getMessage(), e);
    }
    if (reader.content().read() >= 0) {
      throw corrupt("bytes follow the end of a zstd patch's frame");
    }
  }

  private byte[] readReference(Reference reference) throws IOException {
    byte[] bytes = new byte[(int) reference.length()];
    if (reference instanceof SourceRange range) {
      base.read(range.layer(), range.offset(), bytes, bytes.length);
      return bytes;
    }
    try (InputStream inflated = inflate((InflatedRange) reference)) {
      readFully(inflated, bytes, bytes.length);
    }
    return bytes;
  }

  private void bsdiff(PayloadRecord.Bsdiff patch, OutputStream out) throws IOException {
    if (patch.reference() instanceof SourceRange range) {
      applyBsdiff(
          patch,
          range.length(),
          (at, length) -> base.read(range.layer(), range.offset() + at, referenceBuffer, length),
          out);
      return;
    }
    Path inflated = inflateToScratch((InflatedRange) patch.reference());
    try (FileChannel channel = FileChannel.open(inflated, StandardOpenOption.READ)) {
      applyBsdiff(
          patch, patch.reference().length(), (at, length) -> readAt(channel, at, length), out);
    } finally {
      Files.deleteIfExists(inflated);
    }
  }

  /** Reads {@code length} reference bytes at {@code at} into {@code referenceBuffer}. */
  private interface ReferenceReader {
    void read(long at, int length) throws IOException;
  }

  private void applyBsdiff(
      PayloadRecord.Bsdiff patch, long referenceLength, ReferenceReader reference, OutputStream out)
      throws IOException {
    long position = 0;
    for (long step = 0; step < patch.controlCount(); step++) {
      BsdiffPatch.Control control = reader.nextControl();
      long remaining = control.addLength();
      if (remaining > 0 && (position < 0 || remaining > referenceLength - position)) {
        throw corrupt(
            "a bsdiff step reads "
                + remaining
                + " bytes at "
                + position
                + ", outside its reference of "
                + referenceLength
                + " bytes");
      }
      while (remaining > 0) {
        int chunk = (int) Math.min(BUFFER, remaining);
        readFully(reader.content(), buffer, chunk);
        reference.read(position, chunk);
        for (int i = 0; i < chunk; i++) {
          buffer[i] += referenceBuffer[i];
        }
        out.write(buffer, 0, chunk);
        position += chunk;
        remaining -= chunk;
      }
      copyExactly(reader.content(), out, control.insertLength());
      position += control.seek();
    }
  }

  private void readAt(FileChannel channel, long at, int length) throws IOException {
    ByteBuffer target = ByteBuffer.wrap(referenceBuffer, 0, length);
    while (target.hasRemaining()) {
      if (channel.read(target, at + target.position()) < 0) {
        throw new EOFException("An inflated reference ended early");
      }
    }
  }

  private Path inflateToScratch(InflatedRange reference) throws IOException {
    Path file = Files.createTempFile(scratch, "inflated-", ".bin");
    try (InputStream inflated = inflate(reference);
        OutputStream out = Files.newOutputStream(file)) {
      copyExactly(inflated, out, reference.length());
      return file;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * Returns a stream that inflates the raw deflate stream in {@code reference}'s range and ends
   * after exactly its inflated length; it fails when the stream inflates to another length.
   */
  private InputStream inflate(InflatedRange reference) {
    budget.charge(reference.length());
    // zlib's raw mode may need one byte past the compressed data; a zero byte is harmless.
    InputStream compressed =
        new SequenceInputStream(
            base.open(reference.deflated()), new ByteArrayInputStream(new byte[1]));
    Inflater inflater = new Inflater(true);
    return new CheckedInflation(
        new InflaterInputStream(compressed, inflater, BUFFER), inflater, reference);
  }

  private void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
    long remaining = length;
    while (remaining > 0) {
      int read = in.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
      if (read < 0) {
        throw corrupt("content ended " + remaining + " bytes early");
      }
      out.write(copyBuffer, 0, read);
      remaining -= read;
    }
  }

  private static void readFully(InputStream in, byte[] target, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int read = in.read(target, done, length - done);
      if (read < 0) {
        throw corrupt("content ended " + (length - done) + " bytes early");
      }
      done += read;
    }
  }

  private static DeltaException corrupt(String message) {
    return new DeltaException(
        DeltaFailure.CORRUPT_PAYLOAD, "The payload is corrupt: " + message + "; download it again");
  }

  private static DeltaException corrupt(String message, Throwable cause) {
    return new DeltaException(
        DeltaFailure.CORRUPT_PAYLOAD,
        "The payload is corrupt: " + message + "; download it again",
        cause);
  }

  /** Keeps the payload's content stream open when the zstd decoder closes. */
  private static final class KeepOpen extends FilterInputStream {

    KeepOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }

  /** Inflates exactly the declared length and frees the inflater on close. */
  private static final class CheckedInflation extends FilterInputStream {

    private final Inflater inflater;
    private final InflatedRange reference;
    private long remaining;

    CheckedInflation(InputStream in, Inflater inflater, InflatedRange reference) {
      super(in);
      this.inflater = inflater;
      this.reference = reference;
      this.remaining = reference.length();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      try {
        int read = in.read(b, off, (int) Math.min(len, remaining));
        if (read < 0) {
          throw badReference("it inflates to " + (reference.length() - remaining) + " bytes");
        }
        remaining -= read;
        if (remaining == 0 && in.read() >= 0) {
          throw badReference("it inflates to more bytes");
        }
        return read;
      } catch (ZipException | EOFException e) {
        throw badReference(e.getMessage());
      }
    }

    private DeltaException badReference(String detail) {
      return corrupt(
          "the deflate stream at offset "
              + reference.deflated().offset()
              + " of source layer "
              + reference.deflated().layer()
              + " does not inflate to "
              + reference.length()
              + " bytes: "
              + detail);
    }

    @Override
    public void close() throws IOException {
      inflater.end();
      super.close();
    }
  }
}
