package io.slipway.api.control.terminal;

import io.slipway.api.access.AccessControl;
import io.slipway.api.identity.Authenticator;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;

/**
 * Checks {@code GET /device/v1/{uuid}/terminals/{tunnelId}}: the caller must be device {@code uuid}
 * with its own key, and {@value #TOKEN_HEADER} must hold the tunnel's one-time token, which this
 * spends.
 */
final class DeviceTerminalHandshake extends TerminalHandshake {

  /** The request header that carries the one-time token. */
  static final String TOKEN_HEADER = "X-Slipway-Terminal-Token";

  static final String TUNNEL = "slipway.terminal.tunnel";

  private final AccessControl access;
  private final TerminalTunnels tunnels;

  DeviceTerminalHandshake(
      Authenticator authenticator, AccessControl access, TerminalTunnels tunnels) {
    super(authenticator);
    this.access = access;
    this.tunnels = tunnels;
  }

  @Override
  void check(Identity who, HttpServletRequest request, Map<String, Object> attributes) {
    String uuid = segmentAfter(request, "v1");
    String tunnelId = segmentAfter(request, "terminals");

    access.requireOwnDevice(who, uuid);
    TerminalTunnel tunnel = tunnels.claim(uuid, tunnelId, request.getHeader(TOKEN_HEADER));
    attributes.put(TUNNEL, tunnel);
  }
}
