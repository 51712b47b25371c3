package io.slipway.api.control.terminal;

import io.slipway.api.error.ApiError;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Authenticator;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a terminal WebSocket's upgrade request before it is accepted: authenticates it with the
 * server's {@link Authenticator} and lets the subclass check the rest. A refused upgrade gets the
 * API's usual JSON error, so clients see the same codes as for any other request.
 */
abstract class TerminalHandshake implements HandshakeInterceptor {

  /** Attribute of the WebSocket session that holds the caller's {@link Identity}. */
  static final String IDENTITY = "slipway.terminal.identity";

  private static final Logger log = LoggerFactory.getLogger(TerminalHandshake.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Authenticator authenticator;

  TerminalHandshake(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public final boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Map<String, Object> attributes) {
    if (!(request instanceof ServletServerHttpRequest servlet)) {
      refuse(response, new ApiException(ErrorCode.INTERNAL_ERROR, "Not a servlet request"));
      return false;
    }
    HttpServletRequest http = servlet.getServletRequest();
    try {
      Identity who = authenticator.authenticate(http);
      attributes.put(IDENTITY, who);
      check(who, http, attributes);
      return true;
    } catch (ApiException e) {
      refuse(response, e);
      return false;
    }
  }

  @Override
  public final void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Exception exception) {
    // Nothing to do: the handler takes over once the connection is open.
  }

  /**
   * Checks the authenticated request and puts what the handler needs into {@code attributes}.
   *
   * @throws ApiException to refuse the upgrade with that error
   */
  abstract void check(Identity who, HttpServletRequest request, Map<String, Object> attributes);

  /** Returns the path segment that follows {@code marker}, such as the UUID after "devices". */
  static String segmentAfter(HttpServletRequest request, String marker) {
    String[] segments = request.getRequestURI().split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      if (segments[i].equals(marker)) {
        return segments[i + 1];
      }
    }
    throw new ApiException(
        ErrorCode.NOT_FOUND, "The path " + request.getRequestURI() + " names no " + marker);
  }

  private static void refuse(ServerHttpResponse response, ApiException error) {
    response.setStatusCode(error.status());
    response.getHeaders().putAll(error.headers());
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    try {
      byte[] body =
          JSON.writeValueAsString(new ApiError(error.code(), error.getMessage()))
              .getBytes(StandardCharsets.UTF_8);
      response.getBody().write(body);
    } catch (IOException e) {
      log.debug("Cannot write the refusal of a terminal upgrade: {}", e.getMessage());
    }
  }
}
