package io.slipway.api.control.terminal.ssh;

import io.slipway.api.control.terminal.TerminalBridge;
import io.slipway.api.control.terminal.TerminalSessions;
import io.slipway.api.control.terminal.TerminalSize;
import io.slipway.api.control.terminal.TerminalTarget;
import io.slipway.api.control.terminal.TerminalUser;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SSH exec request {@code DEVICE [SERVICE]}: opens a terminal on the device (in the service's
 * container when named) and relays the channel to it. The pty size, when the client asked for a
 * pty, is the terminal's first size; {@code window-change} becomes a {@code resize}. Runs on a
 * thread of its own, because opening waits for the device and reading the channel blocks.
 */
final class DeviceShellCommand implements Command {

  /** Exit status of a request without a device, as for a wrong command line. */
  static final int USAGE = 2;

  private static final Logger log = LoggerFactory.getLogger(DeviceShellCommand.class);

  private final String commandLine;
  private final TerminalSessions sessions;
  private final ExecutorService executor;
  private final String usage;
  private InputStream in;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private volatile TerminalBridge bridge;

  /**
   * @param commandLine the exec request's command as the client sent it, or null for a shell
   *     request
   */
  DeviceShellCommand(
      String commandLine, TerminalSessions sessions, ExecutorService executor, String usage) {
    this.commandLine = commandLine;
    this.sessions = sessions;
    this.executor = executor;
    this.usage = usage;
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback exit) {
    this.exit = exit;
  }

  @Override
  public void start(ChannelSession channel, Environment environment) {
    String clientAddress = TerminalUser.hostOf(channel.getSession().getClientAddress());
    SshTerminalUser user = new SshTerminalUser(out, err, exit, clientAddress);
    TerminalTarget target;
    try {
      target = target();
    } catch (ApiException e) {
      user.finish(USAGE, "slipway: " + e.getMessage());
      return;
    }
    if (target == null) {
      user.finish(USAGE, usage);
      return;
    }

    Identity who = channel.getSession().getAttribute(SshKeyLogin.IDENTITY);
    environment.addSignalListener((c, signal) -> resize(environment), Signal.WINCH);
    executor.execute(() -> run(who, user, target, size(environment)));
  }

  /**
   * Checks the command line before anything logs or echoes it.
   *
   * @return the device and service it names, or null when it has no words or too many
   * @throws ApiException when it is too long or names an invalid device UUID or service
   */
  private TerminalTarget target() {
    if (commandLine == null) {
      return null;
    }
    if (commandLine.length() > TerminalTarget.MAX_COMMAND_LENGTH) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "The command is "
              + commandLine.length()
              + " characters long, more than "
              + TerminalTarget.MAX_COMMAND_LENGTH
              + ": send only DEVICE_UUID [SERVICE]");
    }
    List<String> words = CommandFactory.split(commandLine);
    if (words.isEmpty() || words.size() > 2) {
      return null;
    }
    return new TerminalTarget(words.get(0), words.size() == 2 ? words.get(1) : null);
  }

  @Override
  public void destroy(ChannelSession channel) {
    TerminalBridge open = bridge;
    if (open != null) {
      open.close("the SSH client closed the channel");
    }
  }

  private void run(Identity who, SshTerminalUser user, TerminalTarget target, TerminalSize size) {
    try {
      bridge =
          sessions.open(
              who, target.device(), target.service(), size, TerminalSessions.Via.SSH, user);
    } catch (ApiException e) {
      log.info(
          "SSH terminal on device {} from {} for '{}' not opened: {}",
          target.device(),
          user.clientAddress(),
          who.subject(),
          e.getMessage());
      user.fail(e.getMessage());
      return;
    }
    pumpInput(bridge);
  }

  /** Copies the channel's input to the device until the client sends EOF or the session ends. */
  private void pumpInput(TerminalBridge open) {
    byte[] buffer = new byte[8192];
    try {
      int read;
      while (!open.ended() && (read = in.read(buffer)) >= 0) {
        if (read > 0) {
          open.input(Arrays.copyOf(buffer, read));
        }
      }
      // NOTE: the terminal protocol has no end-of-input message, so EOF on the channel only stops
      // the copy; the session ends when the device's shell exits or the idle timeout passes.
    } catch (IOException e) {
      open.close("reading the SSH channel failed: " + e.getMessage());
    }
  }

  private void resize(Environment environment) {
    TerminalBridge open = bridge;
    if (open != null) {
      open.resize(size(environment));
    }
  }

  /** Returns the pty's size, or the default without a pty or with a size out of range. */
  private static TerminalSize size(Environment environment) {
    try {
      int cols = Integer.parseInt(environment.getEnv().getOrDefault(Environment.ENV_COLUMNS, ""));
      int rows = Integer.parseInt(environment.getEnv().getOrDefault(Environment.ENV_LINES, ""));
      return new TerminalSize(cols, rows);
    } catch (IllegalArgumentException e) {
      return TerminalSize.DEFAULT;
    }
  }
}
