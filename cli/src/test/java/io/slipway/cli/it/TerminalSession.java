package io.slipway.cli.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code slipway} runnable jar on a pseudo-terminal made by {@code script} (util-linux),
 * so that {@code System.console()} is not null, and lets a test type a line once a prompt shows.
 * Not thread-safe.
 */
public final class TerminalSession implements AutoCloseable {

  private static final Path SCRIPT = Path.of("/usr/bin/script");

  private final Process process;
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final Thread reader;

  private TerminalSession(Process process) {
    this.process = process;
    this.reader = new Thread(this::copyScreen, "terminal-session");
    reader.setDaemon(true);
    reader.start();
  }

  /** Returns true when {@code script} is installed here. */
  public static boolean available() {
    return Files.isExecutable(SCRIPT);
  }

  /**
   * Starts {@code java -jar JAR ARGS} on a pseudo-terminal with {@code variables} as its only
   * Slipway-related environment.
   */
  public static TerminalSession start(String jar, Map<String, String> variables, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(SCRIPT.toString(), "-qec", shellWords(command), "/dev/null")
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("SLIPWAY_"));
    builder.environment().putAll(variables);
    builder.environment().put("COLUMNS", "100");
    return new TerminalSession(builder.start());
  }

  /** Quotes each word for the shell that {@code script} runs the command with. */
  private static String shellWords(List<String> words) {
    List<String> quoted = new ArrayList<>();
    for (String word : words) {
      quoted.add("'" + word.replace("'", "'\\''") + "'");
    }
    return String.join(" ", quoted);
  }

  /** Waits until the screen shows {@code text}. */
  public void await(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!screen().contains(text)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("The terminal never showed '" + text + "':\n" + screen());
      }
      Thread.sleep(100);
    }
  }

  /** Types {@code line} and Enter. */
  public void type(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Waits for the command to end and returns its exit code. */
  public int exitCode(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("The command did not end in " + timeout + ":\n" + screen());
    }
    reader.join(5000);
    return process.exitValue();
  }

  /** Returns everything the terminal showed so far. */
  public String screen() {
    synchronized (screen) {
      return screen.toString(StandardCharsets.UTF_8);
    }
  }

  private void copyScreen() {
    byte[] buffer = new byte[4096];
    try (InputStream out = process.getInputStream()) {
      int read;
      while ((read = out.read(buffer)) >= 0) {
        synchronized (screen) {
          screen.write(buffer, 0, read);
        }
      }
    } catch (IOException e) {
      // The process ended; what was read stays on the screen.
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
