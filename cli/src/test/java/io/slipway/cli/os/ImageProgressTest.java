package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How {@link ImageProgress} shows progress, with a clock the test moves. */
class ImageProgressTest {

  private static final long MIB = 1L << 20;
  private static final long SECOND = 1_000_000_000L;

  private final StringWriter text = new StringWriter();
  private final AtomicLong clock = new AtomicLong();

  private ImageProgress progress(ImageProgress.Style style) {
    return new ImageProgress(new PrintWriter(text, true), style, "Configuring", clock::get);
  }

  @Test
  void linesAppearOncePerTenthOfTheImage() {
    ImageProgress progress = progress(ImageProgress.Style.LINES);

    for (long done = 0; done <= 100 * MIB; done += MIB) {
      progress.progress(done, 100 * MIB);
    }

    assertThat(text.toString().lines()).hasSize(11);
  }

  @Test
  void lineShowsPercentRateAndTimeLeft() {
    ImageProgress progress = progress(ImageProgress.Style.LINES);

    clock.set(2 * SECOND);
    progress.progress(50 * MIB, 200 * MIB);

    assertThat(text.toString())
        .isEqualTo("Configuring:  25% 50.0 MiB / 200.0 MiB, 25.0 MiB/s, 0:06 left\n");
  }

  @Test
  void barRedrawsInPlace() {
    ImageProgress progress = progress(ImageProgress.Style.BAR);

    clock.set(SECOND);
    progress.progress(MIB, 2 * MIB);
    clock.set(2 * SECOND);
    progress.progress(2 * MIB, 2 * MIB);
    progress.finish();

    assertThat(text.toString())
        .startsWith("\rConfiguring [###############               ]  50%")
        .contains("\rConfiguring [##############################] 100% 2.0 MiB / 2.0 MiB")
        .endsWith("\n");
  }

  @Test
  void unknownTotalShowsBytesAndRate() {
    ImageProgress progress = progress(ImageProgress.Style.LINES);

    clock.set(SECOND);
    progress.progress(300 * MIB, -1);

    assertThat(text.toString()).isEqualTo("Configuring: 300.0 MiB, 300.0 MiB/s\n");
  }

  @Test
  void noneShowsNothing() {
    ImageProgress progress = progress(ImageProgress.Style.NONE);

    progress.progress(MIB, 2 * MIB);
    progress.finish();

    assertThat(text.toString()).isEmpty();
  }

  @Test
  void durationsUseHoursFromOneHour() {
    assertThat(ImageProgress.duration(59)).isEqualTo("0:59");
    assertThat(ImageProgress.duration(3725)).isEqualTo("1:02:05");
  }
}
