package io.slipway.agent.client;

import io.slipway.delta.image.Digest;
import java.net.URI;
import java.time.Duration;

/** The server's response to a delta request. */
public sealed interface DeltaOffer {

  /**
   * The delta exists.
   *
   * @param bundle the Sigstore bundle JSON of the signed delta manifest; verify before applying
   * @param payload where to download the payload (absolute, resolved against the delta endpoint)
   * @param size the payload's size in bytes
   * @param digest the payload's digest
   */
  record Ready(byte[] bundle, URI payload, long size, Digest digest) implements DeltaOffer {}

  /** The server is making it; ask again after {@code retryAfter}. */
  record Generating(Duration retryAfter) implements DeltaOffer {}

  /** No delta will be made; pull the full image. {@code reason} gives the cause. */
  record Full(String reason) implements DeltaOffer {}
}
