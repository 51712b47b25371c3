package io.slipway.delta.format;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PayloadWriterTest {

  private static final Digest LAYER = Digest.of("layer".getBytes());
  private static final Descriptor PLAIN_LAYER =
      new Descriptor("application/vnd.oci.image.layer.v1.tar", LAYER, 10);

  private PayloadWriter writer;

  @BeforeEach
  void startPayload() throws IOException {
    writer = new PayloadWriter(new ByteArrayOutputStream(), 3);
    writer.header(
        Digest.of("s".getBytes()),
        Digest.of("t".getBytes()),
        List.of(new SourceLayer(LAYER, LAYER, 100)));
  }

  @Test
  void rejectsContentOutsideLayer() {
    assertThatThrownBy(() -> writer.literal(new byte[1], 0, 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsSecondHeader() {
    assertThatThrownBy(() -> writer.header(LAYER, LAYER, List.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsLayerEndingShort() throws IOException {
    writer.beginLayer(PLAIN_LAYER, LAYER, 10, new LayerEncoding.Plain());
    writer.literal(new byte[4], 0, 4);

    assertThatThrownBy(writer::endLayer).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsOperationsPastLayerSize() throws IOException {
    writer.beginLayer(PLAIN_LAYER, LAYER, 10, new LayerEncoding.Plain());

    assertThatThrownBy(() -> writer.copy(new SourceRange(0, 0, 11)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsReferencePastSourceLayer() throws IOException {
    writer.beginLayer(PLAIN_LAYER, LAYER, 10, new LayerEncoding.Plain());

    assertThatThrownBy(() -> writer.copy(new SourceRange(0, 95, 6)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsReferenceToUnlistedLayer() throws IOException {
    writer.beginLayer(PLAIN_LAYER, LAYER, 10, new LayerEncoding.Plain());

    assertThatThrownBy(() -> writer.copy(new SourceRange(1, 0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsBsdiffReadingPastReference() throws IOException {
    writer.beginLayer(PLAIN_LAYER, LAYER, 10, new LayerEncoding.Plain());
    BsdiffPatch patch =
        new BsdiffPatch(
            List.of(new BsdiffPatch.Control(2, 0, 3), new BsdiffPatch.Control(2, 0, 0)),
            new byte[4],
            new byte[0]);

    assertThatThrownBy(() -> writer.bsdiff(new SourceRange(0, 0, 6), patch))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsPlainLayerDigestMismatch() {
    Digest other = Digest.of("other".getBytes());

    assertThatThrownBy(() -> writer.beginLayer(PLAIN_LAYER, other, 10, new LayerEncoding.Plain()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsBlobShorterThanItsSize() {
    assertThatThrownBy(() -> writer.blob(PLAIN_LAYER, new ByteArrayInputStream(new byte[9])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsBlobLongerThanItsSize() {
    assertThatThrownBy(() -> writer.blob(PLAIN_LAYER, new ByteArrayInputStream(new byte[11])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsZstdPatchOverTargetLimit() throws IOException {
    writer.beginLayer(PLAIN_LAYER, LAYER, 10, new LayerEncoding.Plain());

    assertThatThrownBy(
            () ->
                writer.zstdPatch(
                    new SourceRange(0, 0, 1), DeltaFormat.MAX_ZSTD_TARGET + 1L, new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
