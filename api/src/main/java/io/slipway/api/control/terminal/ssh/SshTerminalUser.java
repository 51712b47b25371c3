package io.slipway.api.control.terminal.ssh;

import io.slipway.api.control.terminal.TerminalEnd;
import io.slipway.api.control.terminal.TerminalUser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.ExitCallback;

/**
 * The user's side of a terminal as an SSH channel: the device's bytes go to the channel's standard
 * output, whose writes wait for the client's window (MINA bounds that wait); the device's exit code
 * becomes the channel's exit status, any other end one line on standard error and status 1.
 * Thread-safe.
 */
final class SshTerminalUser implements TerminalUser {

  /** Exit status for every failure that the device's shell did not report itself. */
  static final int FAILURE = 1;

  private final OutputStream out;
  private final OutputStream err;
  private final ExitCallback exit;
  private final String clientAddress;
  private final AtomicBoolean ended = new AtomicBoolean();

  SshTerminalUser(OutputStream out, OutputStream err, ExitCallback exit, String clientAddress) {
    this.out = out;
    this.err = err;
    this.exit = exit;
    this.clientAddress = clientAddress;
  }

  @Override
  public void output(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }

  @Override
  public void end(TerminalEnd end) {
    if (end.hasExitCode()) {
      finish(end.exitCode(), null);
    } else {
      fail(end.reason());
    }
  }

  /** Prints {@code message} as one line on standard error and exits with status 1. */
  void fail(String message) {
    finish(FAILURE, "slipway: " + message);
  }

  /** Prints {@code message}, if any, on standard error and exits with {@code code}. Once only. */
  void finish(int code, String message) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    if (message != null) {
      try {
        err.write((message + "\r\n").getBytes(StandardCharsets.UTF_8));
        err.flush();
      } catch (IOException e) {
        // The client is gone; the exit status below is all that is left to send.
      }
    }
    exit.onExit(code, message == null ? "" : message);
  }
}
