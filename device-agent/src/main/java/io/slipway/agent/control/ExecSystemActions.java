package io.slipway.agent.control;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SystemActions} that run configured commands: {@code reboot} and {@code poweroff} by
 * default, and no identify command. Each command is a program and its arguments, split on spaces
 * (no shell, no quoting). The agent waits up to {@link #WAIT_SECONDS} seconds for a command to end;
 * a reboot that kills the agent first is fine. Thread-safe.
 */
public final class ExecSystemActions implements SystemActions {

  /** How long to wait for a command to end, in seconds. */
  public static final long WAIT_SECONDS = 30;

  private static final Logger log = LoggerFactory.getLogger(ExecSystemActions.class);

  private final List<String> reboot;
  private final List<String> shutdown;
  private final List<String> identify;

  /**
   * Creates the actions from command lines.
   *
   * @param reboot the reboot command, such as {@code reboot}
   * @param shutdown the shutdown command, such as {@code poweroff}
   * @param identify the identify command, or null or blank for none
   * @throws IllegalArgumentException when the reboot or shutdown command is blank
   */
  public ExecSystemActions(String reboot, String shutdown, String identify) {
    this.reboot = words("reboot", reboot);
    this.shutdown = words("shutdown", shutdown);
    this.identify =
        identify == null || identify.isBlank() ? List.of() : words("identify", identify);
  }

  /** Returns the actions with the default commands {@code reboot}, {@code poweroff} and none. */
  public static ExecSystemActions defaults() {
    return new ExecSystemActions("reboot", "poweroff", null);
  }

  @Override
  public void reboot() {
    run("reboot", reboot);
  }

  @Override
  public void shutdown() {
    run("shutdown", shutdown);
  }

  @Override
  public boolean identify() {
    if (identify.isEmpty()) {
      return false;
    }
    run("identify", identify);
    return true;
  }

  private static void run(String action, List<String> command) {
    log.info("Running the {} command {}", action, command);
    try {
      Process process = new ProcessBuilder(command).inheritIO().start();
      if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("The {} command {} still runs after {} s", action, command, WAIT_SECONDS);
        return;
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "The " + action + " command " + command + " exited with code " + process.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "The " + action + " command " + command + " cannot start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running the " + action + " command", e);
    }
  }

  private static List<String> words(String action, String commandLine) {
    if (commandLine == null || commandLine.isBlank()) {
      throw new IllegalArgumentException(
          "The " + action + " command is empty: give a program, such as " + action);
    }
    return Arrays.stream(commandLine.strip().split(" +")).toList();
  }
}
