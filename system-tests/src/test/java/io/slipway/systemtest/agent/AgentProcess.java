package io.slipway.systemtest.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The device agent as a child JVM with a device's JVM options and environment ({@link AgentJvm}):
 * {@code java -Xmx64m ... -cp JARS io.slipway.agent.command.AgentMain run ...}, its output appended
 * to a log file. With a pause point set, it freezes there, so that a test can kill it at that
 * moment with SIGKILL.
 *
 * <p>Not thread-safe: one test drives one process.
 */
public final class AgentProcess implements AutoCloseable {

  /** Agents still running, killed when the test JVM exits early so that none outlives it. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "slipway-agent-reaper"));
  }

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path logFile;

  private AgentProcess(Process process, Path logFile) {
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code run} on {@code config} and {@code dataDirectory}, polling every second.
   *
   * @param pausePoint a point of the agent's {@code PausePoints} to freeze at, or null
   * @param logFile where standard output and error go, appended
   */
  static AgentProcess start(
      AgentJars jars, Path config, Path dataDirectory, String pausePoint, Path logFile) {
    List<String> jvmOptions =
        pausePoint == null ? List.of() : List.of("-Dslipway.agent.pause-at=" + pausePoint);
    return launch(
        jars,
        config,
        dataDirectory,
        jvmOptions,
        List.of("--poll-interval", "1s", "--report-interval", "1s"),
        logFile,
        "pause point " + pausePoint);
  }

  /**
   * Starts {@code run} on {@code config} and {@code dataDirectory} with {@code runOptions}, such as
   * {@code --poll-interval 10m} or {@code --reboot-command}, in place of the one-second intervals
   * that {@link #start(AgentJars, Path, Path, String, Path)} sets.
   *
   * @param logFile where standard output and error go, appended
   */
  public static AgentProcess startWith(
      AgentJars jars, Path config, Path dataDirectory, List<String> runOptions, Path logFile) {
    return launch(
        jars, config, dataDirectory, List.of(), runOptions, logFile, "with " + runOptions);
  }

  private static AgentProcess launch(
      AgentJars jars,
      Path config,
      Path dataDirectory,
      List<String> jvmOptions,
      List<String> runOptions,
      Path logFile,
      String description) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    AgentJvm jvm = AgentJvm.load();
    command.addAll(jvm.options());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", jars.classpath(), AgentJars.MAIN_CLASS, "run"));
    command.addAll(List.of("--config", config.toString(), "--data-dir", dataDirectory.toString()));
    command.addAll(runOptions);
    try {
      Files.createDirectories(logFile.getParent());
      Files.writeString(
          logFile,
          "--- agent started " + description + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      Process process = jvm.childProcess(command, logFile).start();
      RUNNING.add(process);
      return new AgentProcess(process, logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the agent: " + command, e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Returns true once the agent printed that it froze at {@code pausePoint}. */
  boolean pausedAt(String pausePoint) {
    return log().contains("slipway-agent paused at " + pausePoint);
  }

  /** Kills the agent with SIGKILL, as a power cut would end it, and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** Returns the whole log file, for waiting on lines and for failure messages. */
  public String log() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /** Returns the log's last part, for failure messages. */
  public String logTail() {
    String log = log();
    return log.length() <= 8000 ? log : log.substring(log.length() - 8000);
  }

  /** Stops the agent with SIGTERM, and with SIGKILL when it has not stopped in 30 seconds. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      RUNNING.remove(process);
      return;
    }
    process.destroy();
    if (!waitFor(STOP_TIMEOUT)) {
      process.destroyForcibly();
    }
    awaitExit();
  }

  private void awaitExit() {
    waitFor(STOP_TIMEOUT);
    RUNNING.remove(process);
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
