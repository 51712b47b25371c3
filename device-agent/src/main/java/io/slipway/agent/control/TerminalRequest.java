package io.slipway.agent.control;

/**
 * The {@code terminal} object of an {@code open-terminal} command. Immutable; {@link #toString()}
 * hides the token.
 *
 * @param path the tunnel's path on the server, {@code /device/v1/UUID/terminals/TUNNEL_ID}
 * @param token the one-time token the device presents when it dials the tunnel
 * @param service the service whose container the shell runs in, or null for the host
 * @param cols the terminal's width in columns, at least 1
 * @param rows the terminal's height in rows, at least 1
 */
public record TerminalRequest(String path, String token, String service, int cols, int rows) {

  /**
   * @throws IllegalArgumentException naming the value when the path is not absolute, the token is
   *     missing or a size is not positive
   */
  public TerminalRequest {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "terminal.path '"
              + path
              + "' is invalid: expected an absolute path such as /device/v1/...");
    }
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("terminal.token is missing");
    }
    if (cols < 1 || rows < 1) {
      throw new IllegalArgumentException(
          "terminal size " + cols + "x" + rows + " is invalid: cols and rows must be at least 1");
    }
  }

  /** Returns the tunnel's id, the last segment of {@link #path()}. */
  public String tunnelId() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return "TerminalRequest[path="
        + path
        + ", token=****, service="
        + service
        + ", cols="
        + cols
        + ", rows="
        + rows
        + "]";
  }
}
