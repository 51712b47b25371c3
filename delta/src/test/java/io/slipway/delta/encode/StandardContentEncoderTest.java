package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdDecompressCtx;
import io.slipway.delta.format.SourceRange;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StandardContentEncoderTest {

  private final StandardContentEncoder encoder =
      new StandardContentEncoder(EncodingOptions.DEFAULTS);

  @Test
  void identicalContentIsCopied() {
    byte[] content = "same bytes".getBytes();
    SourceRange reference = new SourceRange(0, 512, content.length);

    List<Operation> plan = encoder.plan(reference, content, content.clone());

    assertThat(plan).containsExactly(new Operation.Copy(reference));
  }

  @Test
  void rebuiltBinaryIsPatchedNotLiteral() throws IOException {
    byte[] reference = Files.readAllBytes(BsdiffEncoderTest.javaBinary());
    byte[] target = RootFilesystems.rebuild(reference, new Random(7));

    List<Operation> plan = encoder.plan(new SourceRange(0, 0, reference.length), reference, target);

    assertThat(plan).hasSize(1);
    assertThat(plan.get(0)).isNotInstanceOf(Operation.Literal.class);
    assertThat(rebuild(plan.get(0), reference)).isEqualTo(target);
  }

  @Test
  void zstdPatchDecompressesWithReferenceAsDictionary() throws IOException {
    byte[] reference = Files.readAllBytes(BsdiffEncoderTest.javaBinary());
    byte[] target = RootFilesystems.rebuild(reference, new Random(8));

    StandardContentEncoder.Candidate candidate =
        encoder.zstdPatch(new SourceRange(0, 0, reference.length), reference, target);

    assertThat(rebuild(candidate.operation(), reference)).isEqualTo(target);
    assertThat(candidate.size()).isLessThan(target.length / 4);
  }

  @Test
  void unrelatedContentIsLiteral() {
    Random random = new Random(9);
    byte[] reference = new byte[4096];
    byte[] target = new byte[4096];
    random.nextBytes(reference);
    random.nextBytes(target);

    List<Operation> plan = encoder.plan(new SourceRange(0, 0, reference.length), reference, target);

    assertThat(plan).containsExactly(new Operation.Literal(target));
  }

  @Test
  void emptyTargetNeedsNoOperation() {
    assertThat(encoder.plan(new SourceRange(0, 0, 3), "old".getBytes(), new byte[0])).isEmpty();
  }

  @Test
  void referenceOfWrongLengthIsRejected() {
    SourceRange reference = new SourceRange(0, 0, 10);

    assertThatThrownBy(() -> encoder.plan(reference, new byte[3], new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 bytes long");
  }

  private static byte[] rebuild(Operation operation, byte[] reference) {
    if (operation instanceof Operation.Bsdiff bsdiff) {
      return Bspatch.apply(reference, bsdiff.patch());
    }
    Operation.ZstdPatch patch = (Operation.ZstdPatch) operation;
    try (ZstdDecompressCtx context = new ZstdDecompressCtx()) {
      context.loadDict(reference);
      return context.decompress(patch.frame(), (int) patch.targetLength());
    }
  }
}
