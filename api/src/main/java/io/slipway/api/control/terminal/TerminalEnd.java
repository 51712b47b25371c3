package io.slipway.api.control.terminal;

/**
 * How a terminal session ended: the shell's exit code when the device reported one, else the reason
 * it was cut. Immutable.
 *
 * @param exitCode the exit code the device reported, or null
 * @param reason why the session ended without an exit code, or null when it has one
 */
public record TerminalEnd(Integer exitCode, String reason) {

  public TerminalEnd {
    if ((exitCode == null) == (reason == null)) {
      throw new IllegalArgumentException(
          "A terminal ends with either an exit code or a reason, not " + exitCode + "/" + reason);
    }
  }

  /** The shell on the device exited with {@code code}. */
  public static TerminalEnd exited(int code) {
    return new TerminalEnd(code, null);
  }

  /** The session was cut for {@code reason}, such as an idle timeout or a closed connection. */
  public static TerminalEnd cut(String reason) {
    return new TerminalEnd(null, reason);
  }

  /** Whether the device reported an exit code. */
  public boolean hasExitCode() {
    return exitCode != null;
  }
}
