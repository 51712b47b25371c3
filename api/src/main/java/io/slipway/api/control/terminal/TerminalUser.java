package io.slipway.api.control.terminal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The user's end of a terminal session: a WebSocket or an SSH channel. The bridge calls it from the
 * thread that reads the device, one call at a time.
 */
public interface TerminalUser {

  /**
   * Passes bytes the device's terminal wrote. May block while the user's connection is slow, but
   * never longer than its own send limit.
   *
   * @throws IOException when the user's connection is gone or too slow; the session then ends
   */
  void output(byte[] bytes) throws IOException;

  /**
   * Returns the network address the user connects from, for the audit log, or null when unknown.
   */
  String clientAddress();

  /** Ends the user's side: reports the exit code or the reason, then closes. Called once. */
  void end(TerminalEnd end);

  /**
   * Returns the IP address of {@code address} as text, as the audit log records HTTP clients, or
   * null when {@code address} is null or not an IP socket address.
   */
  static String hostOf(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return null;
  }
}
