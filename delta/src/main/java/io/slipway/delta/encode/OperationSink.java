package io.slipway.delta.encode;

import io.slipway.delta.format.PayloadWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Passes operations on in order, joining copies of adjacent base ranges into one copy and adjacent
 * literals into one literal of up to {@value #MAX_LITERAL} bytes, so that a run of unchanged files
 * costs one record. Not thread-safe.
 */
final class OperationSink {

  private static final int MAX_LITERAL = 1 << 20;

  /** The receiver of the joined operations: the payload, or a test's in-memory applier. */
  interface Target {
    void write(Operation operation) throws IOException;
  }

  private final Target target;
  private final PayloadWriter writer;
  private final ByteArrayOutputStream literal = new ByteArrayOutputStream();
  private Operation.Copy copy;

  /** Creates a sink that writes to {@code target}, with no payload for direct writes. */
  OperationSink(Target target) {
    this.target = target;
    this.writer = null;
  }

  /** Creates a sink that writes to {@code writer}. */
  OperationSink(PayloadWriter writer) {
    this.target = operation -> operation.writeTo(writer);
    this.writer = writer;
  }

  /**
   * Writes what is held back and returns the payload, for encoders that write their operations
   * directly; empty when the sink has no payload.
   */
  Optional<PayloadWriter> flushForDirectWrites() throws IOException {
    flush();
    return Optional.ofNullable(writer);
  }

  /** Accepts the next operation; it may be held back to join it with the following one. */
  void accept(Operation operation) throws IOException {
    if (operation.targetLength() == 0) {
      return;
    }
    if (operation instanceof Operation.Copy next) {
      flushLiteral();
      acceptCopy(next);
      return;
    }
    if (operation instanceof Operation.Literal next) {
      flushCopy();
      literal.write(next.bytes(), next.offset(), next.length());
      if (literal.size() >= MAX_LITERAL) {
        flushLiteral();
      }
      return;
    }
    flush();
    target.write(operation);
  }

  /** Writes what is held back. */
  void flush() throws IOException {
    flushCopy();
    flushLiteral();
  }

  private void acceptCopy(Operation.Copy next) throws IOException {
    if (copy != null) {
      Optional<Operation.Copy> joined = copy.joinedWith(next);
      if (joined.isPresent()) {
        copy = joined.get();
        return;
      }
      flushCopy();
    }
    copy = next;
  }

  private void flushCopy() throws IOException {
    if (copy != null) {
      target.write(copy);
      copy = null;
    }
  }

  private void flushLiteral() throws IOException {
    if (literal.size() > 0) {
      target.write(new Operation.Literal(literal.toByteArray()));
      literal.reset();
    }
  }
}
