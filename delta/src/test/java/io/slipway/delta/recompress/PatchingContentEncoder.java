package io.slipway.delta.recompress;

import com.github.luben.zstd.ZstdCompressCtx;
import io.slipway.delta.encode.ContentEncoder;
import io.slipway.delta.format.DeltaFormat;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.Reference;
import java.io.IOException;
import java.util.Arrays;

/**
 * A plain content encoder for tests of archive encoding: a copy when the content is unchanged, a
 * zstd patch against the reference when both fit the format's limits, else a literal. It counts
 * what it was asked to encode.
 */
final class PatchingContentEncoder implements ContentEncoder {

  int copies;
  int patches;
  int literals;

  @Override
  public void encode(Reference reference, byte[] referenceBytes, byte[] target, PayloadWriter out)
      throws IOException {
    if (referenceBytes.length != reference.length()) {
      throw new IllegalArgumentException(
          "Reference length "
              + reference.length()
              + " does not match the "
              + referenceBytes.length
              + " reference bytes given");
    }
    if (Arrays.equals(referenceBytes, target)) {
      copies++;
      out.copy(reference);
      return;
    }
    if (referenceBytes.length > DeltaFormat.MAX_ZSTD_REFERENCE
        || target.length > DeltaFormat.MAX_ZSTD_TARGET) {
      encodeLiteral(target, out);
      return;
    }
    patches++;
    try (ZstdCompressCtx zstd = new ZstdCompressCtx()) {
      zstd.setLevel(19);
      zstd.loadDict(referenceBytes);
      out.zstdPatch(reference, target.length, zstd.compress(target));
    }
  }

  @Override
  public void encodeLiteral(byte[] target, PayloadWriter out) throws IOException {
    literals++;
    out.literal(target, 0, target.length);
  }
}
