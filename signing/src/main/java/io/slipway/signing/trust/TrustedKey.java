package io.slipway.signing.trust;

import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A public key that a device or tool trusts, with the period in which it may sign. Immutable.
 *
 * <p>Rotation works through these fields: a new key is added with {@code validFrom} now and signs
 * from then on; the old key gets {@code retiredAt}, after which it still verifies what it signed
 * before that instant but nothing signed later. {@code validUntil} ends a key's use entirely, and a
 * revoked key verifies nothing.
 *
 * @param hint the key's hint, computed from {@code publicKey}
 * @param publicKey the public key
 * @param algorithm its algorithm
 * @param validFrom the first instant at which content signed by this key counts
 * @param validUntil when set, the instant after which the key verifies nothing (expiry)
 * @param retiredAt when set, the instant after which content it signs is refused
 * @param revoked whether the key was revoked, which makes everything it signed untrusted
 */
public record TrustedKey(
    KeyHint hint,
    PublicKey publicKey,
    KeyAlgorithm algorithm,
    Instant validFrom,
    Instant validUntil,
    Instant retiredAt,
    boolean revoked) {

  /**
   * @throws IllegalArgumentException naming the key when the hint does not belong to the key or the
   *     period ends before it starts
   */
  public TrustedKey {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(validFrom, "validFrom");
    KeyHint computed = KeyHint.of(publicKey);
    if (hint == null) {
      hint = computed;
    } else if (!hint.equals(computed)) {
      throw new IllegalArgumentException(
          "Key hint "
              + hint
              + " does not belong to the given public key, whose hint is "
              + computed);
    }
    KeyAlgorithm actual = KeyAlgorithm.of(publicKey);
    if (algorithm == null) {
      algorithm = actual;
    } else if (algorithm != actual) {
      throw new IllegalArgumentException(
          "Key " + hint + " is " + actual + ", not " + algorithm + " as stated");
    }
    if (validUntil != null && validUntil.isBefore(validFrom)) {
      throw new IllegalArgumentException(
          "Key "
              + hint
              + " expires at "
              + validUntil
              + ", before its validity starts at "
              + validFrom);
    }
    if (retiredAt != null && retiredAt.isBefore(validFrom)) {
      throw new IllegalArgumentException(
          "Key "
              + hint
              + " is retired at "
              + retiredAt
              + ", before its validity starts at "
              + validFrom);
    }
  }

  /** Creates a key valid from {@code validFrom} with no end, not retired, not revoked. */
  public static TrustedKey active(PublicKey publicKey, Instant validFrom) {
    return new TrustedKey(null, publicKey, null, validFrom, null, null, false);
  }

  /** Returns this key retired at {@code when}. */
  public TrustedKey retiredAt(Instant when) {
    return new TrustedKey(hint, publicKey, algorithm, validFrom, validUntil, when, revoked);
  }

  /** Returns this key expiring at {@code when}. */
  public TrustedKey validUntil(Instant when) {
    return new TrustedKey(hint, publicKey, algorithm, validFrom, when, retiredAt, revoked);
  }

  /** Returns this key revoked. */
  public TrustedKey revoke() {
    return new TrustedKey(hint, publicKey, algorithm, validFrom, validUntil, retiredAt, true);
  }

  /** Returns the expiry, when set. */
  public Optional<Instant> expiry() {
    return Optional.ofNullable(validUntil);
  }

  /** Returns the retirement instant, when set. */
  public Optional<Instant> retirement() {
    return Optional.ofNullable(retiredAt);
  }
}
