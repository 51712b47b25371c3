package io.slipway.signing.keystore;

import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.trust.TrustedKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * What a key store tells about one key: never the private half. Immutable.
 *
 * @param hint the key's hint
 * @param algorithm its algorithm
 * @param publicKey its public half
 * @param state where it stands in rotation
 * @param origin whether the server generated it or an administrator imported it
 * @param createdAt when it entered the store; its validity starts then
 * @param expiresAt when set, when its validity ends
 * @param activatedAt when it last became the active key, or null
 * @param retiredAt when it was retired, or null
 * @param revokedAt when it was revoked, or null
 */
public record StoredKey(
    KeyHint hint,
    KeyAlgorithm algorithm,
    PublicKey publicKey,
    KeyState state,
    Origin origin,
    Instant createdAt,
    Instant expiresAt,
    Instant activatedAt,
    Instant retiredAt,
    Instant revokedAt) {

  /** How a key entered the store. */
  public enum Origin {
    GENERATED,
    IMPORTED
  }

  public StoredKey {
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Returns the key as a device's trust policy holds it. */
  public TrustedKey toTrustedKey() {
    return new TrustedKey(
        hint, publicKey, algorithm, createdAt, expiresAt, retiredAt, state == KeyState.REVOKED);
  }
}
