package io.slipway.delta.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.recompress.DeflateRecipe;
import io.slipway.delta.recompress.ZstdRecipe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class PayloadReaderTest {

  private static final Digest SOURCE = Digest.of("source".getBytes());
  private static final Digest TARGET = Digest.of("target".getBytes());
  private static final Digest LAYER = Digest.of("layer".getBytes());
  private static final List<SourceLayer> SOURCE_LAYERS =
      List.of(
          new SourceLayer(Digest.of("a".getBytes()), Digest.of("a tar".getBytes()), 1000),
          new SourceLayer(Digest.of("b".getBytes()), Digest.of("b tar".getBytes()), 5000));
  private static final Descriptor MANIFEST =
      new Descriptor("application/vnd.oci.image.manifest.v1+json", TARGET, 4);
  private static final Descriptor PLAIN_LAYER =
      new Descriptor("application/vnd.oci.image.layer.v1.tar", LAYER, 90);

  @Test
  void readsBackEveryRecordKind() throws IOException {
    byte[] payload = everyRecordKind();

    List<Object> read = new ArrayList<>();
    try (PayloadReader reader = new PayloadReader(new ByteArrayInputStream(payload))) {
      PayloadRecord record;
      do {
        record = reader.next();
        read.add(record);
        if (record instanceof PayloadRecord.Bsdiff bsdiff) {
          for (long i = 0; i < bsdiff.controlCount(); i++) {
            read.add(reader.nextControl());
            read.add(new String(reader.content().readAllBytes()));
          }
        } else {
          byte[] bytes = reader.content().readAllBytes();
          if (bytes.length > 0) {
            read.add(new String(bytes));
          }
        }
      } while (!(record instanceof PayloadRecord.End));
      assertThat(reader.bytesRead()).isEqualTo(payload.length);
    }

    assertThat(read)
        .containsExactly(
            new PayloadRecord.Header(SOURCE, TARGET, SOURCE_LAYERS),
            new PayloadRecord.Blob(MANIFEST),
            "{ok}",
            new PayloadRecord.Reuse(PLAIN_LAYER),
            new PayloadRecord.BeginLayer(PLAIN_LAYER, LAYER, 1056, new LayerEncoding.Plain()),
            new PayloadRecord.Literal(5),
            "hello",
            new PayloadRecord.Copy(new SourceRange(1, 4000, 1000)),
            new PayloadRecord.ZstdPatch(new SourceRange(0, 10, 20), 30, 5),
            "frame",
            new PayloadRecord.Bsdiff(new SourceRange(0, 0, 100), 20, 2),
            new BsdiffPatch.Control(3, 2, -1),
            "dddee",
            new BsdiffPatch.Control(10, 5, 1_000_000),
            "ddddddddddeeeee",
            new PayloadRecord.BeginDeflate(new DeflateRecipe(9, Deflater.FILTERED)),
            new PayloadRecord.Copy(new InflatedRange(new SourceRange(1, 0, 10), 34)),
            new PayloadRecord.EndDeflate(1, 0xfedcba98L),
            new PayloadRecord.EndLayer(),
            new PayloadRecord.BeginLayer(
                PLAIN_LAYER, LAYER, 0, new LayerEncoding.DiffIdOnly(Compression.ZSTD)),
            new PayloadRecord.EndLayer(),
            new PayloadRecord.End());
  }

  @Test
  void skipsContentTheCallerLeftUnread() {
    PayloadReader reader = new PayloadReader(new ByteArrayInputStream(everyRecordKind()));

    List<Class<?>> kinds = new ArrayList<>();
    PayloadRecord record;
    do {
      record = reader.next();
      kinds.add(record.getClass());
    } while (!(record instanceof PayloadRecord.End));

    assertThat(kinds).hasSize(15);
  }

  @Test
  void rejectsOtherMagic() {
    byte[] payload = everyRecordKind();
    payload[0] = 'P';

    assertFailure(payload, DeltaFailure.UNSUPPORTED_FORMAT);
  }

  @Test
  void rejectsOtherVersion() {
    byte[] payload = everyRecordKind();
    payload[11] = 2;

    assertFailure(payload, DeltaFailure.UNSUPPORTED_FORMAT);
  }

  @Test
  void reportsEveryCutAsTruncated() {
    byte[] payload = everyRecordKind();

    for (int cut = 0; cut < payload.length; cut++) {
      assertFailure(Arrays.copyOf(payload, cut), DeltaFailure.TRUNCATED_PAYLOAD);
    }
  }

  @Test
  void rejectsUnknownRecordTag() {
    byte[] payload = raw(records -> records.writeByte(0x42));

    assertFailure(payload, DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void rejectsZstdRecipeAboveLevel19() {
    byte[] payload =
        raw(
            records -> {
              writeHeader(records);
              records.writeByte(Wire.BEGIN_LAYER);
              Wire.writeDescriptor(records, PLAIN_LAYER);
              Wire.writeDigest(records, LAYER);
              Wire.writeVarint(records, 1056);
              Wire.writeEncoding(records, new LayerEncoding.Zstd(new ZstdRecipe(22, true)));
            });

    assertThatThrownBy(() -> readAll(new ByteArrayInputStream(payload)))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).isEqualTo(DeltaFailure.CORRUPT_PAYLOAD))
        .hasMessageContaining("level 22 exceeds 19");
  }

  @Test
  void rejectsContentRecordOutsideLayer() {
    byte[] payload =
        raw(
            records -> {
              writeHeader(records);
              records.writeByte(Wire.LITERAL);
              Wire.writeVarint(records, 1);
              records.writeByte('x');
            });

    assertFailure(payload, DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void rejectsReferencePastLayerEnd() {
    byte[] payload =
        raw(
            records -> {
              writeHeader(records);
              beginLayer(records);
              records.writeByte(Wire.COPY);
              records.writeByte(Wire.SOURCE_RANGE);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, 990);
              Wire.writeVarint(records, 11);
            });

    assertFailure(payload, DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void rejectsReferenceToUnlistedLayer() {
    byte[] payload =
        raw(
            records -> {
              writeHeader(records);
              beginLayer(records);
              records.writeByte(Wire.COPY);
              records.writeByte(Wire.INFLATED_RANGE);
              Wire.writeVarint(records, 2);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, 1);
              Wire.writeVarint(records, 1);
            });

    assertFailure(payload, DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void rejectsInflatedReferenceOverTheLimit() {
    byte[] payload =
        raw(
            records -> {
              writeHeader(records);
              beginLayer(records);
              records.writeByte(Wire.COPY);
              records.writeByte(Wire.INFLATED_RANGE);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, 10);
              Wire.writeVarint(records, DeltaFormat.MAX_INFLATED_REFERENCE + 1);
            });

    assertThatThrownBy(() -> readAll(new ByteArrayInputStream(payload)))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).isEqualTo(DeltaFailure.CORRUPT_PAYLOAD))
        .hasMessageContaining("inflated reference of " + (DeltaFormat.MAX_INFLATED_REFERENCE + 1));
  }

  @Test
  void rejectsZstdPatchOverTheReferenceLimit() {
    List<SourceLayer> large =
        List.of(new SourceLayer(LAYER, LAYER, DeltaFormat.MAX_ZSTD_REFERENCE + 1L));
    byte[] payload =
        raw(
            records -> {
              writeHeader(records, large);
              beginLayer(records);
              records.writeByte(Wire.ZSTD_PATCH);
              records.writeByte(Wire.SOURCE_RANGE);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, DeltaFormat.MAX_ZSTD_REFERENCE + 1L);
              Wire.writeVarint(records, 1);
              Wire.writeVarint(records, 1);
              records.writeByte(0);
            });

    assertFailure(payload, DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void rejectsBsdiffStepsBeyondTheTarget() {
    byte[] payload =
        raw(
            records -> {
              writeHeader(records);
              beginLayer(records);
              records.writeByte(Wire.BSDIFF);
              records.writeByte(Wire.SOURCE_RANGE);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, 0);
              Wire.writeVarint(records, 100);
              Wire.writeVarint(records, 4);
              Wire.writeVarint(records, 1);
              Wire.writeVarint(records, 3);
              Wire.writeVarint(records, 2);
              Wire.writeSignedVarint(records, 0);
              records.write(new byte[5]);
            });

    assertThatThrownBy(() -> readBsdiffSteps(payload))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).isEqualTo(DeltaFailure.CORRUPT_PAYLOAD));
  }

  @Test
  void rejectsOuterFrameNeedingLargerWindow() throws IOException {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(records);
    writeHeader(out);
    beginLayer(out);
    out.writeByte(Wire.LITERAL);
    Wire.writeVarint(out, 9 << 20);
    byte[] literal = new byte[9 << 20];
    new Random(7).nextBytes(literal);
    out.write(literal);
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    new DataOutputStream(payload).write(Wire.MAGIC);
    new DataOutputStream(payload).writeInt(DeltaFormat.VERSION);
    try (ZstdCompressCtx context = new ZstdCompressCtx()) {
      // A 16 MiB window, twice what a device's decoder allocates for the outer frame.
      context.setLevel(1).setWindowLog(24);
      payload.write(context.compress(records.toByteArray()));
    }

    assertFailure(payload.toByteArray(), DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void rejectsBytesAfterTheEndRecord() {
    byte[] payload =
        raw(
            records -> {
              writeHeader(records);
              records.writeByte(Wire.END);
              records.writeByte(0);
            });

    assertFailure(payload, DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void rejectsOverlongVarint() {
    byte[] payload =
        raw(
            records -> {
              records.writeByte(Wire.HEADER);
              Wire.writeDigest(records, SOURCE);
              Wire.writeDigest(records, TARGET);
              records.write(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 1});
            });

    assertFailure(payload, DeltaFailure.CORRUPT_PAYLOAD);
  }

  @Test
  void reportsReadFailureAsIo() {
    byte[] payload = everyRecordKind();
    InputStream failing =
        new InputStream() {
          private int position;

          @Override
          public int read() throws IOException {
            if (position == 20) {
              throw new IOException("connection reset");
            }
            return payload[position++] & 0xff;
          }
        };

    assertThatThrownBy(() -> readAll(failing))
        .isInstanceOfSatisfying(
            DeltaException.class, e -> assertThat(e.failure()).isEqualTo(DeltaFailure.IO));
  }

  private static void assertFailure(byte[] payload, DeltaFailure failure) {
    assertThatThrownBy(() -> readAll(new ByteArrayInputStream(payload)))
        .as("payload of %d bytes", payload.length)
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).as(e.getMessage()).isEqualTo(failure));
  }

  private static void readAll(InputStream payload) {
    PayloadReader reader = new PayloadReader(payload);
    while (!(reader.next() instanceof PayloadRecord.End)) {
      // Skipping each record's content checks the grammar and every length.
    }
  }

  private static void readBsdiffSteps(byte[] payload) {
    PayloadReader reader = new PayloadReader(new ByteArrayInputStream(payload));
    reader.next();
    reader.next();
    PayloadRecord.Bsdiff bsdiff = (PayloadRecord.Bsdiff) reader.next();
    for (long i = 0; i < bsdiff.controlCount(); i++) {
      reader.nextControl();
    }
  }

  private static byte[] everyRecordKind() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PayloadWriter writer = new PayloadWriter(out, 19)) {
      writer.header(SOURCE, TARGET, SOURCE_LAYERS);
      writer.blob(MANIFEST, new ByteArrayInputStream("{ok}".getBytes()));
      writer.reuse(PLAIN_LAYER);
      writer.beginLayer(PLAIN_LAYER, LAYER, 1056, new LayerEncoding.Plain());
      writer.literal("<hello>".getBytes(), 1, 5);
      writer.copy(new SourceRange(1, 4000, 1000));
      writer.zstdPatch(new SourceRange(0, 10, 20), 30, "frame".getBytes());
      writer.bsdiff(
          new SourceRange(0, 0, 100),
          new BsdiffPatch(
              List.of(new BsdiffPatch.Control(3, 2, -1), new BsdiffPatch.Control(10, 5, 1_000_000)),
              "dddddddddddddd".substring(1).getBytes(),
              "eeeeeee".getBytes()));
      writer.beginDeflate(new DeflateRecipe(9, Deflater.FILTERED));
      writer.copy(new InflatedRange(new SourceRange(1, 0, 10), 34));
      writer.endDeflate(1, 0xfedcba98L);
      writer.endLayer();
      writer.beginLayer(PLAIN_LAYER, LAYER, 0, new LayerEncoding.DiffIdOnly(Compression.ZSTD));
      writer.endLayer();
      writer.finish();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  /** Writes records by hand, bypassing the writer's checks. */
  private interface Records {
    void write(DataOutputStream records) throws IOException;
  }

  private static byte[] raw(Records body) {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try {
      body.write(new DataOutputStream(records));
      DataOutputStream out = new DataOutputStream(payload);
      out.write(Wire.MAGIC);
      out.writeInt(DeltaFormat.VERSION);
      out.write(Zstd.compress(records.toByteArray(), 3));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return payload.toByteArray();
  }

  private static void writeHeader(DataOutputStream records) throws IOException {
    writeHeader(records, SOURCE_LAYERS);
  }

  private static void writeHeader(DataOutputStream records, List<SourceLayer> layers)
      throws IOException {
    records.writeByte(Wire.HEADER);
    Wire.writeDigest(records, SOURCE);
    Wire.writeDigest(records, TARGET);
    Wire.writeVarint(records, layers.size());
    for (SourceLayer layer : layers) {
      Wire.writeDigest(records, layer.blob());
      Wire.writeDigest(records, layer.diffId());
      Wire.writeVarint(records, layer.uncompressedSize());
    }
  }

  private static void beginLayer(DataOutputStream records) throws IOException {
    records.writeByte(Wire.BEGIN_LAYER);
    Wire.writeDescriptor(records, PLAIN_LAYER);
    Wire.writeDigest(records, LAYER);
    Wire.writeVarint(records, 1056);
    Wire.writeEncoding(records, new LayerEncoding.Plain());
  }
}
