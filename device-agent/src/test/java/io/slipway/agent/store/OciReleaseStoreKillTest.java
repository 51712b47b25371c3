package io.slipway.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that writes images, commits releases and collects garbage with SIGKILL at random
 * moments, then checks that the store it left has a current release whose every blob is present.
 * SIGKILL ends the process but not the kernel, so data in the page cache survives. A power cut
 * would also lose unsynced pages, and this test does not simulate one.
 */
class OciReleaseStoreKillTest {

  private static final int ROUNDS = 6;

  @TempDir Path data;

  @Test
  void killAtAnyMomentLeavesCompleteRelease() throws Exception {
    Random random = new Random(42);
    long lastCommitted = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Process churn = start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(churn.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        while (line != null && !line.startsWith("committed ")) {
          line = out.readLine(); // the store's log lines go to standard output too
        }
        assertThat(line)
            .as(() -> "the child's first output; its log: " + log())
            .startsWith("committed ");
        Thread.sleep(random.nextInt(400));
      } finally {
        churn.destroyForcibly();
        churn.waitFor(30, TimeUnit.SECONDS);
      }

      OciReleaseStore store = OciReleaseStore.open(data);
      InstalledRelease current = store.current().orElseThrow();
      assertThat(current.releaseId()).isGreaterThan(lastCommitted);
      for (InstalledService service : current.services().values()) {
        assertThat(store.contains(service.manifest()))
            .as(
                "release %d's image %s after kill %d",
                current.releaseId(), service.manifest(), round)
            .isTrue();
      }
      lastCommitted = current.releaseId();
    }
  }

  private String log() {
    try {
      return Files.readString(data.resolve("churn.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private Process start() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            List.of(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                StoreChurn.class.getName(),
                data.toString()))
        .redirectError(data.resolve("churn.log").toFile())
        .start();
  }
}
