package io.slipway.systemtest.control;

import io.slipway.systemtest.agent.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A terminal client program, such as {@code ssh -tt} or {@code slipway ssh}, driven as a person
 * would type into it: the test writes to its standard input while it runs and waits for what it
 * prints. Standard output and error are read together by a thread of their own, so the program
 * never blocks on a full pipe.
 *
 * <p>Thread-safe: the output buffer is guarded by this object's lock.
 */
final class TerminalClient implements AutoCloseable {

  private static final Duration EXIT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final OutputStream input;
  private final StringBuilder output = new StringBuilder();

  private TerminalClient(String name, Process process) {
    this.name = name;
    this.process = process;
    this.input = process.getOutputStream();
  }

  /** Starts {@code command} with {@code environment} added to this JVM's. */
  static TerminalClient start(List<String> command, Map<String, String> environment) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    try {
      TerminalClient client = new TerminalClient(command.get(0), builder.start());
      Thread reader = new Thread(client::readOutput, "terminal-client-output");
      reader.setDaemon(true);
      reader.start();
      return client;
    } catch (IOException e) {
      throw new AssertionError("Cannot start " + command, e);
    }
  }

  private void readOutput() {
    byte[] buffer = new byte[4096];
    try (InputStream in = process.getInputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        String text = new String(buffer, 0, read, StandardCharsets.UTF_8);
        synchronized (this) {
          output.append(text);
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        output.append("\n(output stopped: ").append(e.getMessage()).append(")\n");
      }
    }
  }

  /** Types {@code text}, such as a command line ending in a newline. */
  void type(String text) {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Types Ctrl-C, the byte 0x03, which the device's terminal turns into SIGINT. */
  void interrupt() {
    write(new byte[] {0x03});
  }

  private void write(byte[] bytes) {
    try {
      input.write(bytes);
      input.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(name + " no longer reads its input\n" + output(), e);
    }
  }

  /**
   * Waits until the output contains a line that is exactly {@code line}, as a command's result
   * prints it (the terminal's echo of the typed command is a different line). The line may start
   * with a shell prompt such as {@code "# "}: when input is typed before the prompt appears, the
   * shell prints the prompt after the echo, in front of the command's output.
   *
   * @throws AssertionError when it does not appear within {@code timeout}
   */
  void awaitLine(String line, Duration timeout) {
    Pattern pattern = Pattern.compile("(?m)^(?:[^\r\n]*[#$>] )?" + Pattern.quote(line) + "\r?$");
    Poll.until(
        timeout,
        "the line '" + line + "' from " + name,
        () -> {
          Matcher matcher = pattern.matcher(output());
          return matcher.find() ? Optional.of(line) : Optional.empty();
        },
        () -> "output so far:\n" + output());
  }

  /**
   * Waits until the program exits, and returns its exit code.
   *
   * @throws AssertionError when it runs on for 30 seconds
   */
  int awaitExit() {
    try {
      if (!process.waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not exit within " + EXIT + "; output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + name, e);
    }
  }

  /** Returns everything the program printed so far. */
  synchronized String output() {
    return output.toString();
  }

  /** Kills the program if it still runs. */
  @Override
  public void close() {
    process.destroyForcibly();
  }
}
