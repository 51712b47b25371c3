package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SuffixArrayTest {

  @Test
  void sortsRandomBytesLikeNaiveSort() {
    Random random = new Random(1);
    for (int round = 0; round < 50; round++) {
      byte[] text = new byte[random.nextInt(400)];
      random.nextBytes(text);
      assertThat(SuffixArray.of(text)).containsExactly(naive(text));
    }
  }

  @Test
  void sortsRepetitiveTextLikeNaiveSort() {
    Random random = new Random(2);
    for (int round = 0; round < 50; round++) {
      byte[] text = new byte[random.nextInt(600)];
      for (int i = 0; i < text.length; i++) {
        text[i] = (byte) (random.nextInt(3) == 0 ? 0xff : 'a' + random.nextInt(2));
      }
      assertThat(SuffixArray.of(text)).containsExactly(naive(text));
    }
  }

  @Test
  void sortsRunsOfOneByte() {
    byte[] text = new byte[1000];
    Arrays.fill(text, (byte) 7);
    assertThat(SuffixArray.of(text)).containsExactly(naive(text));
  }

  @Test
  void sortsEmptyText() {
    assertThat(SuffixArray.of(new byte[0])).containsExactly(0);
  }

  private static int[] naive(byte[] text) {
    Comparator<Integer> bySuffix =
        (a, b) -> Arrays.compareUnsigned(text, a, text.length, text, b, text.length);
    return IntStream.rangeClosed(0, text.length)
        .boxed()
        .sorted(bySuffix)
        .mapToInt(Integer::intValue)
        .toArray();
  }
}
