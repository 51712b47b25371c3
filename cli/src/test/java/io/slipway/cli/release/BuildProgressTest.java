package io.slipway.cli.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class BuildProgressTest {

  private final BuildProgress progress = new BuildProgress();

  private static LogLine web(String text) {
    return new LogLine(1, "web", "linux/arm64", text);
  }

  @Test
  void buildingLineStartsThePartitionWithItsEngine() {
    BuildProgress.Partition changed =
        progress.accept(web("Building 127.0.0.1:1/a/b/web:1.0-linux-arm64 with jib"));

    assertThat(changed.state()).isEqualTo(BuildProgress.State.BUILDING);
    assertThat(changed.detail()).isEqualTo("with jib");
  }

  @Test
  void pushedLineEndsThePartitionWithItsTime() {
    progress.accept(web("Building x with jib"));

    BuildProgress.Partition changed = progress.accept(web("Pushed x@sha256:ab in 2300 ms"));

    assertThat(changed.state()).isEqualTo(BuildProgress.State.PUSHED);
    assertThat(changed.detail()).isEqualTo("in 2.3 s");
  }

  @Test
  void reuseLineEndsThePartition() {
    BuildProgress.Partition changed =
        progress.accept(web("Unchanged since an earlier build: reusing a/b/web@sha256:ab"));

    assertThat(changed.state()).isEqualTo(BuildProgress.State.REUSED);
  }

  @Test
  void failedLineKeepsTheTailOfTheLog() {
    progress.accept(web("Building x with jib"));
    progress.accept(web("COPY missing.txt"));

    BuildProgress.Partition changed = progress.accept(web("Build failed: missing.txt not found"));

    assertThat(changed.state()).isEqualTo(BuildProgress.State.FAILED);
    assertThat(changed.detail()).isEqualTo("missing.txt not found");
    assertThat(changed.tail()).containsExactly("COPY missing.txt");
  }

  @Test
  void otherLinesChangeNoState() {
    progress.accept(web("Building x with jib"));

    assertThat(progress.accept(web("Step 2/3"))).isNull();
    assertThat(progress.partitions().iterator().next().detail()).isEqualTo("Step 2/3");
  }

  @Test
  void tailKeepsTheLastTwentyLines() {
    for (int i = 0; i < 30; i++) {
      progress.accept(web("line " + i));
    }

    BuildProgress.Partition partition = progress.accept(web("Build failed: boom"));

    assertThat(partition.tail()).hasSize(20).startsWith("line 10").endsWith("line 29");
  }

  @Test
  void releaseLinesBelongToNoPartition() {
    assertThat(progress.accept(new LogLine(1, null, null, "Planning"))).isNull();
    assertThat(progress.partitions()).isEmpty();
  }

  @Test
  void terminalDisplayRedrawsOneRowPerPartition() {
    StringWriter screen = new StringWriter();
    ProgressDisplay display = ProgressDisplay.of(new PrintWriter(screen), true, false, 100);

    display.accept(web("Building x with jib"));
    display.accept(new LogLine(2, "web", "linux/amd64", "Building y with jib"));
    display.accept(web("Pushed x@sha256:ab in 1000 ms"));

    String text = screen.toString();
    assertThat(text).contains("\033[2F");
    assertThat(text.substring(text.lastIndexOf("\033[2F")))
        .contains("web linux/arm64 [====================] pushed")
        .contains("web linux/amd64 [");
  }

  @Test
  void plainDisplayPrintsTheTailOfAFailure() {
    StringWriter out = new StringWriter();
    ProgressDisplay display = ProgressDisplay.of(new PrintWriter(out), false, false, 80);

    display.accept(web("Building x with jib"));
    display.accept(web("COPY missing.txt"));
    display.accept(web("Build failed: missing.txt not found"));

    assertThat(out.toString().lines())
        .containsExactly(
            "web linux/arm64: building with jib",
            "web linux/arm64: failed: missing.txt not found",
            "  | COPY missing.txt");
  }

  @Test
  void escapeSequencesInLogLinesBecomeSpaces() {
    LogLine line = new LogLine(1, "web", null, "\u001b[2Jcleared\tstep");

    assertThat(line.text()).isEqualTo(" [2Jcleared\tstep");
  }
}
