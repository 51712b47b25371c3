package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class GitPropertiesTest {

  @Test
  void zeroUnpackTurnsAreRejected() {
    assertThatThrownBy(() -> new GitProperties(DataSize.ofMegabytes(50), 0, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slipway.git.max-concurrent-unpacks is 0");
  }

  @Test
  void zeroObjectSizeIsRejected() {
    assertThatThrownBy(() -> new GitProperties(DataSize.ofBytes(0), 2, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slipway.git.max-object-size");
  }
}
