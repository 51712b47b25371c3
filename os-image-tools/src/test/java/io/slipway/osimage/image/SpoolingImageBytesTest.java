package io.slipway.osimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolingImageBytesTest {

  @TempDir Path scratch;
  private final byte[] image = SampleImages.raw();

  @Test
  void readsAheadThenStreamsExactlyTheRest() throws IOException {
    CountingInput input = new CountingInput(image);
    try (SpoolingImageBytes source = open(input)) {
      ByteBuffer late = ByteBuffer.allocate(4096);
      assertThat(source.read(3_000_000, late)).isEqualTo(4096);
      ByteBuffer early = ByteBuffer.allocate(512);
      assertThat(source.read(0, early)).isEqualTo(512);

      assertThat(late.array()).isEqualTo(Arrays.copyOfRange(image, 3_000_000, 3_004_096));
      assertThat(early.array()).isEqualTo(Arrays.copyOf(image, 512));
      assertThat(source.spooledBytes()).isLessThan(image.length);

      assertThat(source.rawStream().readAllBytes()).isEqualTo(image);
    }
    assertThat(input.bytesRead).isEqualTo(image.length);
  }

  @Test
  void spoolsOnlyUpToTheHighestRead() throws IOException {
    try (SpoolingImageBytes source = open(new CountingInput(image))) {
      source.read(10_000, ByteBuffer.allocate(100));

      assertThat(source.spooledBytes()).isBetween(10_100L, 10_100L + (1 << 20));
    }
  }

  @Test
  void readPastTheEndReturnsWhatThereIs() throws IOException {
    try (SpoolingImageBytes source = open(new CountingInput(image))) {
      ByteBuffer tail = ByteBuffer.allocate(1000);

      assertThat(source.read(image.length - 300, tail)).isEqualTo(300);
      assertThat(source.read(image.length + 5, ByteBuffer.allocate(10))).isZero();
      assertThat(source.rawStream().readAllBytes()).isEqualTo(image);
    }
  }

  @Test
  void secondRawStreamIsRejected() throws IOException {
    try (SpoolingImageBytes source = open(new CountingInput(image))) {
      source.rawStream().close();

      assertThatThrownBy(source::rawStream).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void closeDeletesTheScratchFile() throws IOException {
    CountingInput input = new CountingInput(image);
    SpoolingImageBytes source = open(input);
    source.read(0, ByteBuffer.allocate(100));

    source.close();

    assertThat(listScratch()).isEmpty();
    assertThat(input.closed).isTrue();
  }

  private SpoolingImageBytes open(InputStream input) throws IOException {
    return SpoolingImageBytes.open("sample", input, OptionalLong.empty(), scratch);
  }

  private java.util.List<Path> listScratch() throws IOException {
    try (Stream<Path> files = Files.list(scratch)) {
      return files.toList();
    }
  }

  /** Counts what the spooler reads from the decompressed stream. */
  private static final class CountingInput extends ByteArrayInputStream {

    long bytesRead;
    boolean closed;

    CountingInput(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) {
      int read = super.read(buffer, offset, length);
      bytesRead += Math.max(read, 0);
      return read;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
