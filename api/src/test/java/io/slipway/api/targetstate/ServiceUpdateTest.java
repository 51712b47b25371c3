package io.slipway.api.targetstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceUpdateTest {

  @Test
  void percentDoneRoundsDown() {
    assertThat(new ServiceUpdate(2L, 3L, null, null).percentDone()).isEqualTo(66);
  }

  @Test
  void percentDoneStopsAtHundred() {
    assertThat(new ServiceUpdate(5L, 3L, null, null).percentDone()).isEqualTo(100);
  }

  @Test
  void percentDoneOfHugeCountsDoesNotOverflow() {
    assertThat(new ServiceUpdate(Long.MAX_VALUE / 2, Long.MAX_VALUE, null, null).percentDone())
        .isEqualTo(50);
  }

  @Test
  void percentDoneWithoutSizeIsUnknown() {
    assertThat(new ServiceUpdate(5L, null, null, null).percentDone()).isNull();
  }

  @Test
  void percentDoneOfEmptyDownloadIsUnknown() {
    assertThat(new ServiceUpdate(0L, 0L, null, null).percentDone()).isNull();
  }

  @Test
  void noFieldsGiveNoUpdate() {
    assertThat(ServiceUpdate.ofNullable(null, null, null, null)).isNull();
  }

  @Test
  void negativeSizeIsRejectedByName() {
    assertThatThrownBy(() -> new ServiceUpdate(null, -1L, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("downloadSize")
        .hasMessageContaining("-1");
  }

  @Test
  void messageOfMaximumLengthIsAccepted() {
    String message = "m".repeat(ServiceUpdate.MAX_MESSAGE);

    assertThat(new ServiceUpdate(null, null, null, message).message()).hasSize(500);
  }

  @Test
  void updateMethodParsesWireName() {
    assertThat(UpdateMethod.parse("delta")).isEqualTo(UpdateMethod.DELTA);
  }
}
