package io.slipway.registry.mirror;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token issued by an upstream's token realm, with the instant after which it is no longer
 * used.
 *
 * @param value the token as sent in {@code Authorization: Bearer}
 * @param expiresAt when the token expires, by this process's clock
 */
record UpstreamToken(String value, Instant expiresAt) {

  UpstreamToken {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Upstream token is blank");
    }
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Returns true while the token may still be sent at {@code now}. */
  boolean usableAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "UpstreamToken[expiresAt=" + expiresAt + "]";
  }
}
