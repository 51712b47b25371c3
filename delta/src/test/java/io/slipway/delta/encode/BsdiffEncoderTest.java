package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.delta.format.BsdiffPatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BsdiffEncoderTest {

  @Test
  void patchRebuildsEditedBytes() {
    Random random = new Random(3);
    byte[] reference = new byte[200_000];
    random.nextBytes(reference);
    byte[] target = edit(reference, random);

    BsdiffPatch patch = BsdiffEncoder.diff(reference, target);

    assertThat(Bspatch.apply(reference, patch)).isEqualTo(target);
    assertThat(patch.extra().length).isLessThan(target.length / 10);
  }

  @Test
  void patchRebuildsTargetFromEmptyReference() {
    byte[] target = "only new bytes".getBytes();

    BsdiffPatch patch = BsdiffEncoder.diff(new byte[0], target);

    assertThat(Bspatch.apply(new byte[0], patch)).isEqualTo(target);
  }

  @Test
  void patchRebuildsEmptyTarget() {
    BsdiffPatch patch = BsdiffEncoder.diff("old".getBytes(), new byte[0]);

    assertThat(patch.targetLength()).isZero();
  }

  @Test
  void patchRebuildsRealBinaryWithShiftedCode() throws IOException {
    byte[] reference = Files.readAllBytes(javaBinary());
    byte[] target = new byte[reference.length + 100];
    System.arraycopy(reference, 0, target, 0, 4000);
    System.arraycopy(reference, 4000, target, 4100, reference.length - 4000);
    Arrays.fill(target, 4000, 4100, (byte) 0x90);

    BsdiffPatch patch = BsdiffEncoder.diff(reference, target);

    assertThat(Bspatch.apply(reference, patch)).isEqualTo(target);
    assertThat(patch.extra().length).isLessThan(1000);
  }

  @Test
  void patchRebuildsRepetitiveContent() {
    byte[] reference = new byte[100_000];
    byte[] target = new byte[120_000];
    Arrays.fill(target, 50_000, 50_010, (byte) 1);

    BsdiffPatch patch = BsdiffEncoder.diff(reference, target);

    assertThat(Bspatch.apply(reference, patch)).isEqualTo(target);
  }

  static Path javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Changes a few bytes, inserts and deletes a few runs. */
  static byte[] edit(byte[] reference, Random random) {
    byte[] target = reference.clone();
    for (int i = 0; i < 200; i++) {
      target[random.nextInt(target.length)] ^= 0x5a;
    }
    byte[] inserted = new byte[3000];
    random.nextBytes(inserted);
    byte[] result = new byte[target.length + inserted.length - 2000];
    int cut = target.length / 3;
    System.arraycopy(target, 0, result, 0, cut);
    System.arraycopy(inserted, 0, result, cut, inserted.length);
    System.arraycopy(target, cut + 2000, result, cut + inserted.length, target.length - cut - 2000);
    return result;
  }
}
