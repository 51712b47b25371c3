package io.slipway.cli.client;

import java.net.URI;
import java.util.Objects;

/**
 * A server and the API token to send it. {@link #toString()} leaves the token out. Immutable.
 *
 * @param server the server's base URL without a trailing slash
 * @param token the API token, sent as a bearer token
 */
public record Connection(URI server, String token) {

  public Connection {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(token, "token");
  }

  /** Returns the absolute URI of {@code path}, which starts with {@code /}. */
  public URI resolve(String path) {
    return URI.create(server + path);
  }

  @Override
  public String toString() {
    return "Connection[server=" + server + ", token=****]";
  }
}
