package io.slipway.delta.encode;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import io.slipway.delta.format.BsdiffPatch;
import io.slipway.delta.format.DeltaFormat;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.Reference;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The standard {@link ContentEncoder}: identical content becomes a copy; otherwise a bsdiff patch,
 * a zstd patch with the reference as a raw-content dictionary, and a literal are made, and the one
 * whose bytes the payload's outer zstd is estimated to shrink most wins. The estimate compresses
 * each candidate's bytes at {@link EncodingOptions#estimateLevel()}; a zstd frame counts at its own
 * size, since compressed bytes do not shrink again. Stateless and thread-safe.
 */
public final class StandardContentEncoder implements ContentEncoder {

  /**
   * The log2 of the largest hash and chain tables of a zstd patch. At 4 bytes an entry, larger
   * tables cost more native memory than they gain.
   */
  private static final int MAX_TABLE_LOG = 24;

  /**
   * A zstd patch is tried only when bsdiff leaves more than one target byte in this many unmatched.
   * On executables, where bsdiff matches almost everything, its patches came out about half the
   * size of level-19 zstd patches on a Debian security update, so the zstd attempt only costs time.
   */
  private static final int EXTRA_SHARE_FOR_ZSTD = 5;

  private final EncodingOptions options;

  /** Creates an encoder with {@code options}. */
  public StandardContentEncoder(EncodingOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Returns the options this encoder applies. */
  public EncodingOptions options() {
    return options;
  }

  @Override
  public void encode(Reference reference, byte[] referenceBytes, byte[] target, PayloadWriter out)
      throws IOException {
    for (Operation operation : plan(reference, referenceBytes, target)) {
      operation.writeTo(out);
    }
  }

  @Override
  public void encodeLiteral(byte[] target, PayloadWriter out) throws IOException {
    if (target.length > 0) {
      out.literal(target, 0, target.length);
    }
  }

  /**
   * Returns the operations that produce {@code target} from {@code referenceBytes}, the content of
   * {@code reference}.
   *
   * @throws IllegalArgumentException when {@code referenceBytes} is not as long as the reference
   */
  List<Operation> plan(Reference reference, byte[] referenceBytes, byte[] target) {
    if (referenceBytes.length != reference.length()) {
      throw new IllegalArgumentException(
          "Reference "
              + reference
              + " is "
              + reference.length()
              + " bytes long but its content has "
              + referenceBytes.length);
    }
    if (target.length == 0) {
      return List.of();
    }
    if (Arrays.equals(referenceBytes, target)) {
      return List.of(new Operation.Copy(reference));
    }
    Candidate best = new Candidate(new Operation.Literal(target), estimate(target));
    if (referenceBytes.length == 0) {
      return List.of(best.operation);
    }
    boolean bsdiffMatchedMost = false;
    if (referenceBytes.length <= options.bsdiffLimit() && target.length <= options.bsdiffLimit()) {
      Candidate bsdiff = bsdiff(reference, referenceBytes, target);
      best = best.orSmaller(bsdiff);
      Operation.Bsdiff patch = (Operation.Bsdiff) bsdiff.operation();
      bsdiffMatchedMost = patch.patch().extra().length * EXTRA_SHARE_FOR_ZSTD < target.length;
    }
    if (!bsdiffMatchedMost
        && referenceBytes.length <= DeltaFormat.MAX_ZSTD_REFERENCE
        && target.length <= DeltaFormat.MAX_ZSTD_TARGET) {
      best = best.orSmaller(zstdPatch(reference, referenceBytes, target));
    }
    return List.of(best.operation);
  }

  private Candidate bsdiff(Reference reference, byte[] referenceBytes, byte[] target) {
    BsdiffPatch patch = BsdiffEncoder.diff(referenceBytes, target);
    long size = 3L * patch.controls().size() + estimate(patch.diff()) + estimate(patch.extra());
    return new Candidate(new Operation.Bsdiff(reference, patch), size);
  }

  /** Returns a zstd patch, or null when zstd rejects the reference as a dictionary. */
  Candidate zstdPatch(Reference reference, byte[] referenceBytes, byte[] target) {
    try (ZstdCompressCtx context = new ZstdCompressCtx()) {
      int windowLog = log2Ceiling(referenceBytes.length + (long) target.length);
      int tableLog = Math.min(MAX_TABLE_LOG, log2Ceiling(referenceBytes.length) + 1);
      context
          .setLevel(options.zstdPatchLevel())
          .setWindowLog(Math.max(Zstd.windowLogMin(), windowLog))
          .setHashLog(Math.max(Zstd.hashLogMin(), tableLog))
          .setChainLog(Math.max(Zstd.chainLogMin(), tableLog))
          .setChecksum(false)
          .setContentSize(true)
          .setDictID(false);
      context.loadDict(referenceBytes);
      byte[] frame = context.compress(target);
      return new Candidate(
          new Operation.ZstdPatch(reference, target.length, frame), frame.length + 4L);
    } catch (ZstdException e) {
      // A reference that starts with zstd's dictionary magic is parsed as a formatted dictionary
      // and may not load; the other candidates remain.
      return null;
    }
  }

  private long estimate(byte[] bytes) {
    if (bytes.length == 0) {
      return 0;
    }
    return Zstd.compress(bytes, options.estimateLevel()).length;
  }

  private static int log2Ceiling(long value) {
    return value <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(value - 1);
  }

  /** An operation and the payload bytes it is estimated to cost. */
  record Candidate(Operation operation, long size) {

    Candidate orSmaller(Candidate other) {
      return other != null && other.size < size ? other : this;
    }
  }
}
