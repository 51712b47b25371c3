package io.slipway.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PollScheduleTest {

  private final PollSchedule schedule =
      new PollSchedule(
          Duration.ofSeconds(100),
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          new SplittableRandom(42));

  @Test
  void afterSuccessStaysWithinTenPercent() {
    for (int i = 0; i < 1_000; i++) {
      assertThat(schedule.afterSuccess())
          .isBetween(Duration.ofSeconds(90), Duration.ofSeconds(110));
    }
  }

  @Test
  void afterSuccessSpreadsWaits() {
    long shortest = Long.MAX_VALUE;
    long longest = 0;
    for (int i = 0; i < 1_000; i++) {
      long millis = schedule.afterSuccess().toMillis();
      shortest = Math.min(shortest, millis);
      longest = Math.max(longest, millis);
    }

    assertThat(shortest).isLessThan(92_000);
    assertThat(longest).isGreaterThan(108_000);
  }

  @Test
  void afterFailureCapDoublesUpToMaximum() {
    long[] expectedCaps = {1, 2, 4, 8, 16, 32, 60, 60};
    for (long cap : expectedCaps) {
      assertThat(schedule.afterFailure()).isBetween(Duration.ZERO, Duration.ofSeconds(cap));
    }
    assertThat(schedule.failures()).isEqualTo(expectedCaps.length);
  }

  @Test
  void afterFailureUsesWholeRange() {
    long longest = 0;
    for (int i = 0; i < 200; i++) {
      schedule.reset();
      for (int step = 0; step < 10; step++) {
        longest = Math.max(longest, schedule.afterFailure().toMillis());
      }
    }

    assertThat(longest).isGreaterThan(50_000);
  }

  @Test
  void manyFailuresNeverOverflow() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(schedule.afterFailure()).isBetween(Duration.ZERO, Duration.ofSeconds(60));
    }
  }

  @Test
  void successResetsBackoff() {
    for (int i = 0; i < 8; i++) {
      schedule.afterFailure();
    }

    schedule.afterSuccess();

    assertThat(schedule.failures()).isZero();
    assertThat(schedule.afterFailure()).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void resetForgetsFailures() {
    schedule.afterFailure();
    schedule.afterFailure();

    schedule.reset();

    assertThat(schedule.failures()).isZero();
  }

  @Test
  void ofCapsBackoffAtShortInterval() {
    PollSchedule fast = PollSchedule.of(Duration.ofMillis(200));

    for (int i = 0; i < 20; i++) {
      assertThat(fast.afterFailure()).isLessThanOrEqualTo(Duration.ofMillis(200));
    }
  }

  @Test
  void ofRunsOnJavaBaseAlone() throws Exception {
    // A child JVM limited to java.base simulates a small jlink runtime on a device. The
    // default schedule must work there without other modules such as jdk.random.
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath = location(PollSchedule.class) + File.pathSeparator + location(Probe.class);
    Process process =
        new ProcessBuilder(
                java.toString(),
                "--limit-modules",
                "java.base",
                "-cp",
                classPath,
                Probe.class.getName())
            .redirectErrorStream(true)
            .start();

    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("waits");
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** Makes a default schedule and prints two waits, in the child JVM of a test. */
  static final class Probe {
    public static void main(String[] args) {
      PollSchedule schedule = PollSchedule.of(Duration.ofSeconds(10));
      System.out.println("waits " + schedule.afterSuccess() + " " + schedule.afterFailure());
    }
  }

  @Test
  void rejectsZeroInterval() {
    assertThatThrownBy(() -> PollSchedule.of(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval PT0S");
  }
}
