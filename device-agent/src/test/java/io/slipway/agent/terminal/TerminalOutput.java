package io.slipway.agent.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads a {@link Terminal}'s output on a thread of its own into a string that tests wait on with a
 * bounded poll.
 */
public final class TerminalOutput {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final StringBuffer text = new StringBuffer();
  private final Thread reader;

  /** Starts reading {@code terminal}'s output until it ends. */
  public TerminalOutput(Terminal terminal) {
    reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[4096];
              try {
                int count;
                while ((count = terminal.read(buffer)) >= 0) {
                  text.append(new String(buffer, 0, count, StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                text.append("\n[read failed: ").append(e.getMessage()).append(']');
              }
            },
            "terminal-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits until the output contains {@code expected}; returns the output either way. */
  public String await(String expected) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!text.toString().contains(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return text.toString();
  }

  /** Waits until the terminal reported its end, and returns all output. */
  public String awaitEnd() throws InterruptedException {
    reader.join(WAIT.toMillis());
    return text.toString();
  }
}
