package io.slipway.api.control.terminal;

import io.slipway.api.access.AccessControl;
import io.slipway.api.control.ControlProperties;
import io.slipway.api.identity.Authenticator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Registers the two terminal WebSockets: the user's at {@code /api/v1/devices/{uuid}/terminal} and
 * the device's at {@code /device/v1/{uuid}/terminals/{tunnelId}}. Both exist even when the control
 * channel is off; opening a session then fails with {@code CONTROL_CHANNEL_UNAVAILABLE}.
 */
@Configuration
@EnableWebSocket
@EnableConfigurationProperties(ControlProperties.class)
class TerminalWebSocketConfiguration implements WebSocketConfigurer {

  private final Authenticator authenticator;
  private final AccessControl access;
  private final TerminalSessions sessions;
  private final TerminalTunnels tunnels;

  TerminalWebSocketConfiguration(
      Authenticator authenticator,
      AccessControl access,
      TerminalSessions sessions,
      TerminalTunnels tunnels) {
    this.authenticator = authenticator;
    this.access = access;
    this.sessions = sessions;
    this.tunnels = tunnels;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry
        .addHandler(new UserTerminalHandler(sessions), "/api/v1/devices/*/terminal")
        .addInterceptors(new UserTerminalHandshake(authenticator, sessions));
    registry
        .addHandler(new DeviceTerminalHandler(), "/device/v1/*/terminals/*")
        .addInterceptors(new DeviceTerminalHandshake(authenticator, access, tunnels));
  }
}
