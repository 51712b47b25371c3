package io.slipway.api.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The network address a request came from, for the audit log and rate limits.
 *
 * <p>NOTE: this is the peer address of the connection; {@code X-Forwarded-For} is not trusted, so
 * behind a reverse proxy every request shows the proxy's address.
 */
public final class ClientAddress {

  private ClientAddress() {}

  /** Returns the address of {@code request}. */
  public static String of(HttpServletRequest request) {
    return request.getRemoteAddr();
  }

  /** Returns the address of the request the current thread serves, or null outside a request. */
  public static String current() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
      return of(attrs.getRequest());
    }
    return null;
  }
}
