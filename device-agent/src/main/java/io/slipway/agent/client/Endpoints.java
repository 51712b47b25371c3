package io.slipway.agent.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds request URLs below a configured base URL. A base may carry a path (a server behind a
 * reverse proxy at {@code https://host/slipway}); {@link URI#resolve} would drop it for paths that
 * start with {@code /}, so paths are appended to it instead. Stateless and thread-safe.
 */
final class Endpoints {

  private Endpoints() {}

  /**
   * Returns {@code base} with {@code path} appended, or {@code path} itself when it is an absolute
   * URL on the same scheme, host and port as {@code base}.
   *
   * @param path a path starting with {@code /}, with its query if any, or an absolute URL
   * @throws IllegalArgumentException when {@code path} is not a URL, or an absolute URL on another
   *     origin: the agent sends its device key to that URL, so it goes nowhere but its own server
   */
  static URI resolve(URI base, String path) {
    URI requested = URI.create(path);
    if (requested.isAbsolute()) {
      if (!sameOrigin(base, requested)) {
        throw new IllegalArgumentException(
            "URL " + requested + " is not on the configured server " + base);
      }
      return requested;
    }
    String prefix = base.toString();
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return URI.create(prefix + (path.startsWith("/") ? path : "/" + path));
  }

  private static boolean sameOrigin(URI base, URI other) {
    return base.getScheme().equalsIgnoreCase(other.getScheme())
        && base.getHost().equalsIgnoreCase(String.valueOf(other.getHost()))
        && portOf(base) == portOf(other);
  }

  private static int portOf(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** Encodes {@code value} for a query string or a path segment. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
