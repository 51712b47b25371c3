package io.slipway.delta.recompress;

import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceRange;
import java.io.IOException;

/**
 * Joins adjacent literal ranges of the new archive, and copies of adjacent ranges of the old one,
 * into single payload operations: an unchanged run of headers and entries becomes one copy. Call
 * {@link #flush()} before writing any other operation. Not thread-safe.
 */
final class OperationCoalescer {

  /** The maximum length of one literal operation, in bytes; longer runs are split. */
  private static final int MAX_LITERAL = 1024 * 1024;

  private enum Pending {
    NONE,
    LITERAL,
    COPY
  }

  private final PayloadWriter out;
  private final byte[] newZip;
  private final SourceRange oldZip;
  private Pending pending = Pending.NONE;
  private long pendingStart;
  private long pendingLength;

  /**
   * @param oldZip where the old archive lies in its base layer; copies name ranges inside it
   */
  OperationCoalescer(PayloadWriter out, byte[] newZip, SourceRange oldZip) {
    this.out = out;
    this.newZip = newZip;
    this.oldZip = oldZip;
  }

  /** Outputs {@code length} bytes of the new archive from {@code offset} as a literal. */
  void literal(long offset, long length) throws IOException {
    append(Pending.LITERAL, offset, length);
  }

  /** Outputs {@code length} bytes of the old archive from {@code oldOffset} as a copy. */
  void copy(long oldOffset, long length) throws IOException {
    append(Pending.COPY, oldOffset, length);
  }

  /** Writes the pending operation, if any. */
  void flush() throws IOException {
    if (pending == Pending.LITERAL) {
      writeLiteral();
    } else if (pending == Pending.COPY) {
      out.copy(new SourceRange(oldZip.layer(), oldZip.offset() + pendingStart, pendingLength));
    }
    pending = Pending.NONE;
  }

  private void append(Pending kind, long offset, long length) throws IOException {
    if (length == 0) {
      return;
    }
    if (pending == kind && pendingStart + pendingLength == offset) {
      pendingLength += length;
      return;
    }
    flush();
    pending = kind;
    pendingStart = offset;
    pendingLength = length;
  }

  private void writeLiteral() throws IOException {
    long written = 0;
    while (written < pendingLength) {
      int chunk = (int) Math.min(MAX_LITERAL, pendingLength - written);
      out.literal(newZip, (int) (pendingStart + written), chunk);
      written += chunk;
    }
  }
}
