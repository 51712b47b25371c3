package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class DeflateReproducerTest {

  private static final byte[] CONTENT = SampleContent.of(200_000, 13);

  @Test
  void findsHuffmanOnlyStrategy() {
    byte[] compressed = deflate(new DeflateRecipe(2, Deflater.HUFFMAN_ONLY), CONTENT);

    assertThat(DeflateReproducer.find(compressed, CONTENT))
        .contains(new DeflateRecipe(6, Deflater.HUFFMAN_ONLY));
  }

  @Test
  void triesPreferredRecipeFirst() {
    // Every level compresses empty content to the same two bytes.
    byte[] compressed = deflate(new DeflateRecipe(6, Deflater.DEFAULT_STRATEGY), new byte[0]);
    DeflateRecipe preferred = new DeflateRecipe(9, Deflater.DEFAULT_STRATEGY);

    assertThat(DeflateReproducer.find(compressed, new byte[0], preferred)).contains(preferred);
    assertThat(DeflateReproducer.find(compressed, new byte[0]))
        .contains(new DeflateRecipe(6, Deflater.DEFAULT_STRATEGY));
  }

  @Test
  void rejectsStreamWithExtraBytes() {
    byte[] compressed = deflate(new DeflateRecipe(6, Deflater.DEFAULT_STRATEGY), CONTENT);
    byte[] longer = Arrays.copyOf(compressed, compressed.length + 1);

    assertThat(DeflateReproducer.find(longer, CONTENT)).isEmpty();
  }

  @Test
  void rejectsLevelZero() {
    byte[] compressed = deflate(new DeflateRecipe(0, Deflater.DEFAULT_STRATEGY), CONTENT);

    assertThat(DeflateReproducer.find(compressed, CONTENT)).isEmpty();
  }

  /** Returns {@code content} compressed with {@code recipe} in one call. */
  static byte[] deflate(DeflateRecipe recipe, byte[] content) {
    Deflater deflater = recipe.newDeflater();
    deflater.setInput(content);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }
}
