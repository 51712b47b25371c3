package io.slipway.testing.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the command-line tools that prepare a broker's files. Stateless and thread-safe. */
final class Commands {

  private static final long TIMEOUT_SECONDS = 60;

  private Commands() {}

  /**
   * Runs {@code command} and waits for it.
   *
   * @throws IllegalStateException naming the command and its output when it fails or takes more
   *     than 60 seconds
   */
  static void run(String... command) throws IOException, InterruptedException {
    List<String> words = List.of(command);
    Process process = new ProcessBuilder(words).redirectErrorStream(true).start();
    // Reading the output before waiting keeps the tool from stalling on a full pipe.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", words) + " timed out: " + output);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", words) + " failed with " + process.exitValue() + ": " + output);
    }
  }
}
