package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class RecipeFormTest {

  @Test
  void gzipRecipeReadsBackWhatItWrites() throws IOException {
    GzipRecipe recipe =
        new GzipRecipe(GzipReproducerTest.plainHeader(), new DeflateRecipe(9, Deflater.FILTERED));

    GzipRecipe read = GzipRecipe.readFrom(input(written(recipe::writeTo)));

    assertThat(read).isEqualTo(recipe);
  }

  @Test
  void zlibDeflateRecipeKeepsItsTwoBytes() throws IOException {
    byte[] bytes = written(new DeflateRecipe(9, Deflater.FILTERED)::writeTo);

    assertThat(bytes).containsExactly(9, 1);
  }

  @Test
  void gnuGzipDeflateRecipeIsLevelThenThree() throws IOException {
    DeflateRecipe recipe = DeflateRecipe.gnuGzip(9);

    byte[] bytes = written(recipe::writeTo);

    assertThat(bytes).containsExactly(9, 3);
    assertThat(DeflateRecipe.readFrom(input(bytes))).isEqualTo(recipe);
  }

  @Test
  void gnuGzipDeflateRecipeRejectsLevelZero() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DeflateRecipe.readFrom(input(new byte[] {0, 3})))
        .withMessageContaining("level 0");
  }

  @Test
  void gnuGzipDeflateRecipeRejectsStrategy() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new DeflateRecipe(DeflateRecipe.Family.GNU_GZIP, 9, Deflater.FILTERED))
        .withMessageContaining("strategy 1");
  }

  @Test
  void gzipRecipeComparesHeaderContent() {
    GzipRecipe first = new GzipRecipe(GzipReproducerTest.plainHeader(), new DeflateRecipe(6, 0));
    GzipRecipe second = new GzipRecipe(GzipReproducerTest.plainHeader(), new DeflateRecipe(6, 0));

    assertThat(first).isEqualTo(second);
    assertThat(first).hasSameHashCodeAs(second);
  }

  @Test
  void gzipRecipeCopiesHeader() {
    byte[] header = GzipReproducerTest.plainHeader();
    GzipRecipe recipe = new GzipRecipe(header, new DeflateRecipe(6, 0));

    header[9] = 42;
    recipe.header()[9] = 43;

    assertThat(recipe.header()).isEqualTo(GzipReproducerTest.plainHeader());
  }

  @Test
  void gzipRecipeRejectsShortHeader() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> new GzipRecipe(new byte[] {0x1f, (byte) 0x8b, 8}, new DeflateRecipe(6, 0)))
        .withMessageContaining("length 3");
  }

  @Test
  void gzipRecipeRejectsHeaderWithoutMagic() {
    byte[] header = GzipReproducerTest.plainHeader();
    header[0] = 0;

    assertThatIllegalArgumentException()
        .isThrownBy(() -> new GzipRecipe(header, new DeflateRecipe(6, 0)))
        .withMessageContaining("008b08");
  }

  @Test
  void zstdRecipeReadsBackWhatItWrites() throws IOException {
    ZstdRecipe recipe = new ZstdRecipe(19, true);

    ZstdRecipe read = ZstdRecipe.readFrom(input(written(recipe::writeTo)));

    assertThat(read).isEqualTo(recipe);
  }

  @Test
  void zstdRecipeRejectsUnknownChecksumFlag() {
    byte[] form = {3, 2};

    assertThatIllegalArgumentException()
        .isThrownBy(() -> ZstdRecipe.readFrom(input(form)))
        .withMessageContaining("flag 2");
  }

  @Test
  void zstdRecipeRejectsLevelOutOfRange() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ZstdRecipe(23, false))
        .withMessageContaining("level 23");
  }

  private interface Writing {
    void writeTo(DataOutputStream out) throws IOException;
  }

  private static byte[] written(Writing writing) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writing.writeTo(out);
    }
    return bytes.toByteArray();
  }

  private static DataInputStream input(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }
}
