package io.slipway.osimage.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FatLayoutTest {

  @ParameterizedTest
  @ValueSource(longs = {4L << 20, 40L << 20, 256L << 20, (512L << 20) - 512})
  void usesFat16BelowHalfGibibyte(long size) {
    FatLayout layout = FatLayout.forSize(size);

    assertThat(layout.fat32()).isFalse();
    assertThat(layout.clusterCount()).isBetween(4085L, 65524L);
    assertThat(layout.dataStartSector() % layout.sectorsPerCluster()).isZero();
    assertThat((layout.clusterCount() + 2) * 2).isLessThanOrEqualTo(layout.sectorsPerFat() * 512);
  }

  @ParameterizedTest
  @ValueSource(longs = {512L << 20, 2L << 30, 64L << 30})
  void usesFat32FromHalfGibibyteWithSmallClusters(long size) {
    FatLayout layout = FatLayout.forSize(size);

    assertThat(layout.fat32()).isTrue();
    assertThat(layout.sectorsPerCluster()).isEqualTo(8);
    assertThat(layout.clusterCount()).isGreaterThanOrEqualTo(65525L);
    assertThat(layout.dataStartSector() % layout.sectorsPerCluster()).isZero();
    assertThat((layout.clusterCount() + 2) * 4).isLessThanOrEqualTo(layout.sectorsPerFat() * 512);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1000, 1L << 20, 4L << 40})
  void rejectsUnusableSize(long size) {
    assertThatThrownBy(() -> FatLayout.forSize(size)).isInstanceOf(OsImageException.class);
  }
}
