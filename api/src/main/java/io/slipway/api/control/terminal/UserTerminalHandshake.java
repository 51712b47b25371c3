package io.slipway.api.control.terminal;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Authenticator;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;

/**
 * Checks {@code GET /api/v1/devices/{uuid}/terminal?service=&cols=&rows=}: the caller must be a
 * user allowed to control the device, and the size must be in range. The checks repeat when the
 * session opens; doing them here first gives refused callers a plain HTTP error.
 */
final class UserTerminalHandshake extends TerminalHandshake {

  static final String DEVICE = "slipway.terminal.device";
  static final String SERVICE = "slipway.terminal.service";
  static final String SIZE = "slipway.terminal.size";

  private final TerminalSessions sessions;

  UserTerminalHandshake(Authenticator authenticator, TerminalSessions sessions) {
    super(authenticator);
    this.sessions = sessions;
  }

  @Override
  void check(Identity who, HttpServletRequest request, Map<String, Object> attributes) {
    String uuid = segmentAfter(request, "devices");
    TerminalSize size = size(request);
    String service = request.getParameter("service");
    if (service != null && service.isBlank()) {
      service = null;
    }

    new TerminalTarget(uuid, service);
    sessions.authorize(who, uuid);
    attributes.put(DEVICE, uuid);
    attributes.put(SIZE, size);
    if (service != null) {
      attributes.put(SERVICE, service);
    }
  }

  private static TerminalSize size(HttpServletRequest request) {
    int cols = number(request, "cols", TerminalSize.DEFAULT.cols());
    int rows = number(request, "rows", TerminalSize.DEFAULT.rows());
    try {
      return new TerminalSize(cols, rows);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, e.getMessage());
    }
  }

  private static int number(HttpServletRequest request, String name, int fallback) {
    String value = request.getParameter(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "Parameter '"
              + name
              + "' is '"
              + TerminalTarget.printable(value)
              + "', not a number: send a whole number");
    }
  }
}
