package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.release.BuildLogLine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildProgressTest {

  private long id;

  @Test
  void releaseStepsPassThrough() {
    BuildProgress progress = new BuildProgress(false);

    assertThat(progress.accept(release("Planned 2 partitions")))
        .containsExactly("Planned 2 partitions");
  }

  @Test
  void partitionShowsStartAndEndOnly() {
    BuildProgress progress = new BuildProgress(false);

    List<String> shown = new ArrayList<>();
    shown.addAll(progress.accept(partition("web", "linux/arm64", "Building web with jib")));
    shown.addAll(progress.accept(partition("web", "linux/arm64", "Layer 1 of 3")));
    shown.addAll(
        progress.accept(partition("web", "linux/arm64", "Pushed r/web@sha256:ab in 9 ms")));

    assertThat(shown)
        .containsExactly(
            "web linux/arm64: started", "web linux/arm64: done, pushed r/web@sha256:ab in 9 ms");
  }

  @Test
  void reusedPartitionEndsAsDone() {
    BuildProgress progress = new BuildProgress(false);

    assertThat(
            progress.accept(partition("db", "linux/amd64", "Unchanged since an earlier build: x")))
        .containsExactly(
            "db linux/amd64: started", "db linux/amd64: done, unchanged since an earlier build: x");
  }

  @Test
  void failedPartitionShowsItsLastTwentyLines() {
    BuildProgress progress = new BuildProgress(false);
    for (int n = 1; n <= 25; n++) {
      progress.accept(partition("web", "linux/amd64", "step " + n));
    }

    List<String> shown = progress.accept(partition("web", "linux/amd64", "Build failed: no space"));

    assertThat(shown).hasSize(1 + BuildProgress.TAIL_LINES);
    assertThat(shown.get(0)).isEqualTo("web linux/amd64: FAILED; the last 20 lines of its log:");
    assertThat(shown.get(1)).isEqualTo("  | step 7");
    assertThat(shown.get(20)).isEqualTo("  | Build failed: no space");
  }

  @Test
  void releaseFailureReasonShowsOnlyItsFirstLine() {
    BuildProgress progress = new BuildProgress(false);

    assertThat(progress.accept(release("Build failed: partition web failed"))).hasSize(1);
    assertThat(progress.accept(release("  | step 7"))).isEmpty();
  }

  @Test
  void fullModePrefixesEveryPartitionLine() {
    BuildProgress progress = new BuildProgress(true);

    assertThat(progress.accept(partition("web", "linux/amd64", "Layer 1 of 3")))
        .containsExactly("[web linux/amd64] Layer 1 of 3");
    assertThat(progress.accept(release("Planned 1 partitions")))
        .containsExactly("Planned 1 partitions");
  }

  private BuildLogLine release(String text) {
    return new BuildLogLine(++id, 0, null, null, text);
  }

  private BuildLogLine partition(String service, String platform, String text) {
    return new BuildLogLine(++id, 0, service, platform, text);
  }
}
