package io.slipway.cli.ssh;

import io.slipway.cli.CliEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * The local terminal while {@code slipway ssh} runs. When standard input and output are a terminal
 * it switches it to raw mode without echo ({@code stty raw -echo}), so that every key, Ctrl-C
 * included, goes to the device, and restores the previous mode on {@link #close()} and when the JVM
 * exits. Without a terminal it changes nothing and reports the default size. Not thread-safe except
 * for {@link #size()}.
 */
final class LocalTerminal implements AutoCloseable {

  private static final File TTY = new File("/dev/tty");

  private final boolean tty;
  private String savedMode;
  private Thread restoreOnExit;

  private LocalTerminal(boolean tty) {
    this.tty = tty;
  }

  /** Takes over the terminal of {@code environment}, if it has one. */
  static LocalTerminal of(CliEnvironment environment) {
    LocalTerminal terminal = new LocalTerminal(environment.terminal() && TTY.canRead());
    if (terminal.tty) {
      terminal.enterRawMode();
    }
    return terminal;
  }

  /** Returns the window's size from {@code stty size}, or the default without a terminal. */
  WindowSize size() {
    if (!tty) {
      return WindowSize.DEFAULT;
    }
    try {
      String[] rowsAndCols = stty("size").strip().split("\\s+");
      return new WindowSize(Integer.parseInt(rowsAndCols[1]), Integer.parseInt(rowsAndCols[0]));
    } catch (IOException | RuntimeException e) {
      return WindowSize.DEFAULT;
    }
  }

  /** Calls {@code listener} with the new size whenever the window changes (SIGWINCH). */
  void onResize(Consumer<WindowSize> listener) {
    if (tty) {
      Signal.handle(new Signal("WINCH"), signal -> listener.accept(size()));
    }
  }

  /** Restores the terminal's mode from before; does nothing without a terminal. */
  @Override
  public void close() {
    if (savedMode == null) {
      return;
    }
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(restoreOnExit);
    } catch (IllegalStateException e) {
      // The JVM is exiting already; the hook restores the mode again, which is harmless.
    }
  }

  private void enterRawMode() {
    try {
      savedMode = stty("-g").strip();
      restoreOnExit = new Thread(this::restore, "slipway-ssh-restore-tty");
      Runtime.getRuntime().addShutdownHook(restoreOnExit);
      stty("raw", "-echo");
    } catch (IOException e) {
      savedMode = null;
    }
  }

  private synchronized void restore() {
    if (savedMode == null) {
      return;
    }
    try {
      stty(savedMode);
    } catch (IOException e) {
      System.err.println("slipway: cannot restore the terminal; run 'stty sane'");
    }
    savedMode = null;
  }

  /** Runs {@code stty} on the controlling terminal and returns what it printed. */
  private static String stty(String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("stty");
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectInput(TTY).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IOException("stty " + String.join(" ", arguments) + " failed");
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running stty", e);
    }
  }
}
