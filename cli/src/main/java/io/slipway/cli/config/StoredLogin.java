package io.slipway.cli.config;

import java.net.URI;
import java.util.Objects;

/**
 * The login that {@code slipway login} stores: the server's base URL and an API token for it.
 * {@link #toString()} leaves the token out. Immutable.
 *
 * @param server the server's base URL, as checked by {@link ServerUrl#parse}
 * @param token the API token, not blank
 */
public record StoredLogin(URI server, String token) {

  public StoredLogin {
    Objects.requireNonNull(server, "server");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("The token for " + server + " is blank");
    }
  }

  @Override
  public String toString() {
    return "StoredLogin[server=" + server + ", token=****]";
  }
}
