package io.slipway.agent.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell on the device's host in a real pseudo-terminal. The agent opens the master with {@code
 * posix_openpt}, and the shell gets the slave as its standard input, output and error. The shell
 * starts through {@code setsid -c}, which util-linux and busybox both provide: it makes the shell
 * the leader of a new session with the slave as its controlling terminal, so the terminal's line
 * discipline turns Ctrl-C (0x03) into SIGINT for the foreground process group and a resize into
 * SIGWINCH.
 *
 * <p>Linux only (see {@link PosixPty} for the architectures). Thread-safety as {@link Terminal}
 * states.
 */
public final class HostShell implements Terminal {

  private static final Logger log = LoggerFactory.getLogger(HostShell.class);

  private final PosixPty libc;
  private final int master;
  private final Process process;
  private volatile boolean closed;

  private HostShell(PosixPty libc, int master, Process process) {
    this.libc = libc;
    this.master = master;
    this.process = process;
  }

  /**
   * Starts {@code command} (such as {@code /bin/sh -l}) in a new pseudo-terminal of {@code cols} by
   * {@code rows}, with {@code TERM=xterm}.
   *
   * @throws IllegalStateException naming the failed step when no pseudo-terminal can be made or the
   *     shell cannot start, such as where {@code /dev/pts} is missing or {@code setsid} is not
   *     installed
   */
  public static HostShell start(List<String> command, int cols, int rows) {
    return start(List.of("setsid"), command, cols, rows);
  }

  /**
   * Starts {@code command} as {@link #start(List, int, int)} does, through {@code setsid}, the
   * program that makes the terminal the shell's controlling one, such as {@code [busybox, setsid]}.
   */
  static HostShell start(List<String> setsid, List<String> command, int cols, int rows) {
    PosixPty libc = loadLibrary();
    int master = openMaster(libc);
    try {
      String slave = libc.ptsname(master);
      setSize(libc, master, cols, rows);
      Process process = startProcess(setsid, command, slave);
      log.info("Started {} in pseudo-terminal {}", command, slave);
      return new HostShell(libc, master, process);
    } catch (LastErrorException | IOException e) {
      closeQuietly(libc, master);
      throw new IllegalStateException(
          "Cannot start " + command + " in a pseudo-terminal: " + e.getMessage(), e);
    }
  }

  @Override
  public int read(byte[] buffer) throws IOException {
    while (true) {
      try {
        long count = libc.read(master, buffer, new NativeLong(buffer.length)).longValue();
        return count == 0 ? -1 : (int) count;
      } catch (LastErrorException e) {
        if (e.getErrorCode() == PosixPty.EINTR) {
          continue;
        }
        // EIO: the shell and every process that held the terminal ended.
        if (e.getErrorCode() == PosixPty.EIO || closed) {
          return -1;
        }
        throw new IOException("Reading the pseudo-terminal failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void write(byte[] buffer, int length) throws IOException {
    byte[] rest = buffer;
    int remaining = length;
    while (remaining > 0) {
      long written;
      try {
        written = libc.write(master, rest, new NativeLong(remaining)).longValue();
      } catch (LastErrorException e) {
        if (e.getErrorCode() == PosixPty.EINTR) {
          continue;
        }
        throw new IOException("Writing to the pseudo-terminal failed: " + e.getMessage(), e);
      }
      remaining -= (int) written;
      rest = Arrays.copyOfRange(rest, (int) written, (int) written + remaining);
    }
  }

  @Override
  public void resize(int cols, int rows) throws IOException {
    try {
      setSize(libc, master, cols, rows);
    } catch (LastErrorException e) {
      throw new IOException("Resizing the pseudo-terminal failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /**
   * Closes the master and kills the shell and every process it started. The hangup that closing the
   * master should send does not always arrive (seen in a CI run, where shells outlived it), and an
   * interactive shell ignores SIGTERM, so both are killed with SIGKILL.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(libc, master);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static PosixPty loadLibrary() {
    try {
      return PosixPty.load();
    } catch (UnsatisfiedLinkError e) {
      throw new IllegalStateException(
          "Cannot make a pseudo-terminal: the C library's posix_openpt is not available ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static int openMaster(PosixPty libc) {
    try {
      int master = libc.posix_openpt(PosixPty.O_RDWR | PosixPty.O_NOCTTY);
      libc.grantpt(master);
      libc.unlockpt(master);
      return master;
    } catch (LastErrorException e) {
      throw new IllegalStateException(
          "Cannot make a pseudo-terminal ("
              + e.getMessage()
              + "): check that /dev/ptmx and /dev/pts exist and that devpts is mounted",
          e);
    }
  }

  private static void setSize(PosixPty libc, int master, int cols, int rows) {
    short[] winsize = {(short) rows, (short) cols, 0, 0};
    libc.ioctl(master, new NativeLong(PosixPty.TIOCSWINSZ), winsize);
  }

  private static Process startProcess(List<String> setsid, List<String> command, String slave)
      throws IOException {
    List<String> words = new ArrayList<>(setsid);
    words.add("-c");
    words.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(words);
    Map<String, String> environment = builder.environment();
    environment.put("TERM", "xterm");
    File terminal = new File(slave);
    builder.redirectInput(terminal);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(terminal));
    builder.redirectError(ProcessBuilder.Redirect.appendTo(terminal));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run setsid ("
              + e.getMessage()
              + "); install util-linux or busybox with its setsid applet",
          e);
    }
  }

  private static void closeQuietly(PosixPty libc, int fd) {
    try {
      libc.close(fd);
    } catch (LastErrorException e) {
      log.debug("Closing pseudo-terminal fd {} failed: {}", fd, e.getMessage());
    }
  }
}
