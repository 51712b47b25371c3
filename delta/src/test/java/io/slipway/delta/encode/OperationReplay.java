package io.slipway.delta.encode;

import com.github.luben.zstd.ZstdDecompressCtx;
import io.slipway.delta.format.SourceRange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Applies operations in memory against expanded base layers, as the payload format defines them,
 * and counts them by kind. It checks the encoder apart from the real applier.
 */
final class OperationReplay implements OperationSink.Target {

  private final List<ExpandedLayer> base;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  int copies;
  int literals;
  int bsdiffs;
  int zstdPatches;
  long literalBytes;

  OperationReplay(List<ExpandedLayer> base) {
    this.base = base;
  }

  @Override
  public void write(Operation operation) throws IOException {
    if (operation instanceof Operation.Literal literal) {
      literals++;
      literalBytes += literal.length();
      out.write(literal.bytes(), literal.offset(), literal.length());
    } else if (operation instanceof Operation.Copy copy) {
      copies++;
      out.write(read((SourceRange) copy.reference()));
    } else if (operation instanceof Operation.Bsdiff bsdiff) {
      bsdiffs++;
      out.write(Bspatch.apply(read((SourceRange) bsdiff.reference()), bsdiff.patch()));
    } else if (operation instanceof Operation.ZstdPatch patch) {
      zstdPatches++;
      try (ZstdDecompressCtx context = new ZstdDecompressCtx()) {
        context.loadDict(read((SourceRange) patch.reference()));
        out.write(context.decompress(patch.frame(), (int) patch.targetLength()));
      }
    }
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  private byte[] read(SourceRange range) throws IOException {
    return base.get(range.layer()).read(range.offset(), range.length());
  }
}
