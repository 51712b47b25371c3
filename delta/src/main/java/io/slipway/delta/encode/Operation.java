package io.slipway.delta.encode;

import io.slipway.delta.format.BsdiffPatch;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.Reference;
import io.slipway.delta.format.SourceRange;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * One content operation chosen by the encoder and not yet written, so that files can be encoded in
 * parallel and written in target order. Immutable; byte arrays are shared, never changed.
 */
sealed interface Operation {

  /** Returns the number of target bytes the operation produces. */
  long targetLength();

  /** Writes the operation to {@code out}. */
  void writeTo(PayloadWriter out) throws IOException;

  /** Target bytes as they are. */
  record Literal(byte[] bytes, int offset, int length) implements Operation {
    public Literal {
      Objects.checkFromIndexSize(offset, length, bytes.length);
    }

    Literal(byte[] bytes) {
      this(bytes, 0, bytes.length);
    }

    @Override
    public long targetLength() {
      return length;
    }

    @Override
    public void writeTo(PayloadWriter out) throws IOException {
      out.literal(bytes, offset, length);
    }
  }

  /** Base bytes as they are. */
  record Copy(Reference reference) implements Operation {
    public Copy {
      Objects.requireNonNull(reference, "reference");
    }

    @Override
    public long targetLength() {
      return reference.length();
    }

    @Override
    public void writeTo(PayloadWriter out) throws IOException {
      out.copy(reference);
    }

    /** Returns the copy of both ranges when {@code next} continues this one in the same layer. */
    Optional<Copy> joinedWith(Copy next) {
      if (reference instanceof SourceRange first
          && next.reference instanceof SourceRange second
          && first.layer() == second.layer()
          && first.offset() + first.length() == second.offset()) {
        return Optional.of(
            new Copy(
                new SourceRange(first.layer(), first.offset(), first.length() + second.length())));
      }
      return Optional.empty();
    }
  }

  /** A zstd frame made with the reference as a raw-content dictionary. */
  record ZstdPatch(Reference reference, long targetLength, byte[] frame) implements Operation {
    public ZstdPatch {
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(frame, "frame");
    }

    @Override
    public void writeTo(PayloadWriter out) throws IOException {
      out.zstdPatch(reference, targetLength, frame);
    }
  }

  /** A bsdiff patch against the reference. */
  record Bsdiff(Reference reference, BsdiffPatch patch) implements Operation {
    public Bsdiff {
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(patch, "patch");
    }

    @Override
    public long targetLength() {
      return patch.targetLength();
    }

    @Override
    public void writeTo(PayloadWriter out) throws IOException {
      out.bsdiff(reference, patch);
    }
  }
}
