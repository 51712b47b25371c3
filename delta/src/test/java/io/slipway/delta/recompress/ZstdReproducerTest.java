package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZstdReproducerTest {

  private static final byte[] CONTENT = SampleContent.of(600 * 1024, 11);

  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource({"3, false", "3, true", "19, true", "1, false", "9, true"})
  void findsStreamingCompressorSettings(int level, boolean checksum) throws IOException {
    Path file = write("layer.zst", streamed(level, checksum, CONTENT));

    assertThat(ZstdReproducer.find(file)).contains(new ZstdRecipe(level, checksum));
  }

  @Test
  void recipeRebuildsBlobWhateverTheWriteSizes() throws IOException {
    byte[] blob = streamed(19, true, CONTENT);
    ZstdRecipe recipe = ZstdReproducer.find(write("layer.zst", blob)).orElseThrow();

    assertThat(rebuild(recipe, CONTENT)).isEqualTo(blob);
  }

  @Test
  void findsEmptyContent() throws IOException {
    byte[] blob = streamed(3, false, new byte[0]);
    Path file = write("empty.zst", blob);

    assertThat(ZstdReproducer.find(file)).isPresent();
  }

  @Test
  void rejectsFrameWithContentSize() throws IOException {
    Path file = write("sized.zst", Zstd.compress(CONTENT, 3));

    assertThat(ZstdReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsTwoFrames() throws IOException {
    byte[] frame = streamed(3, false, CONTENT);
    byte[] twoFrames = Arrays.copyOf(frame, frame.length * 2);
    System.arraycopy(frame, 0, twoFrames, frame.length, frame.length);
    Path file = write("two.zst", twoFrames);

    assertThat(ZstdReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsTruncatedFrame() throws IOException {
    byte[] frame = streamed(3, false, CONTENT);
    Path file = write("cut.zst", Arrays.copyOf(frame, frame.length / 2));

    assertThat(ZstdReproducer.find(file)).isEmpty();
  }

  @Test
  void rejectsBlobThatIsNotZstd() throws IOException {
    Path file = write("plain", CONTENT);

    assertThat(ZstdReproducer.find(file)).isEmpty();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(directory.resolve(name), bytes);
  }

  private static byte[] streamed(int level, boolean checksum, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdOutputStream zstd = new ZstdOutputStream(out, level)) {
      zstd.setChecksum(checksum);
      zstd.write(content);
    }
    return out.toByteArray();
  }

  private static byte[] rebuild(ZstdRecipe recipe, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressor = recipe.compressor(out)) {
      for (int offset = 0; offset < content.length; offset += 777) {
        compressor.write(content, offset, Math.min(777, content.length - offset));
        compressor.flush();
      }
    }
    return out.toByteArray();
  }
}
