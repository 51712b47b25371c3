package io.slipway.signing.trust;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyHint;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys a fleet trusts, by hint, and the rules that decide whether one may vouch for content
 * signed at a given time. Immutable and thread-safe.
 */
public final class TrustPolicy {

  private final Map<KeyHint, TrustedKey> keys;

  private TrustPolicy(Map<KeyHint, TrustedKey> keys) {
    this.keys = Collections.unmodifiableMap(keys);
  }

  /**
   * Makes a policy of {@code keys}.
   *
   * @throws IllegalArgumentException naming the hint when two entries share one
   */
  public static TrustPolicy of(Collection<TrustedKey> keys) {
    Map<KeyHint, TrustedKey> byHint = new LinkedHashMap<>();
    for (TrustedKey key : keys) {
      if (byHint.putIfAbsent(key.hint(), key) != null) {
        throw new IllegalArgumentException("Key " + key.hint() + " is listed twice");
      }
    }
    return new TrustPolicy(byHint);
  }

  /** Makes a policy of {@code keys}. */
  public static TrustPolicy of(TrustedKey... keys) {
    return of(List.of(keys));
  }

  /** Returns the trusted keys, in the order given. */
  public Collection<TrustedKey> keys() {
    return keys.values();
  }

  /** Returns the key with {@code hint}, if trusted at all. */
  public Optional<TrustedKey> find(KeyHint hint) {
    return Optional.ofNullable(keys.get(hint));
  }

  /**
   * Returns the key with {@code hint} when it may vouch for content signed at {@code signedAt},
   * judged at {@code now}.
   *
   * <p>The rules, in order: the key must be listed ({@code UNKNOWN_KEY}); not revoked ({@code
   * KEY_REVOKED}); {@code now} must not be past its expiry ({@code KEY_EXPIRED}); {@code signedAt}
   * must not lie before its validity starts ({@code KEY_NOT_YET_VALID}); and when the key is
   * retired, {@code signedAt} must lie before the retirement ({@code KEY_RETIRED}). When the
   * signing time is unknown ({@code null}), a retired key is refused, since nothing shows that it
   * signed before retirement.
   *
   * @param hint the hint the signature names
   * @param signedAt the signing time that the signed content claims, or null when it claims none
   * @param now the current time
   * @throws VerificationException with the failed rule and the key's hint
   */
  public TrustedKey check(KeyHint hint, Instant signedAt, Instant now) {
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(now, "now");
    TrustedKey key = keys.get(hint);
    if (key == null) {
      throw new VerificationException(
          VerificationFailure.UNKNOWN_KEY,
          "Signed by key " + hint + ", which is not among the " + keys.size() + " trusted keys");
    }
    if (key.revoked()) {
      throw new VerificationException(
          VerificationFailure.KEY_REVOKED, "Signed by key " + hint + ", which was revoked");
    }
    if (key.validUntil() != null && now.isAfter(key.validUntil())) {
      throw new VerificationException(
          VerificationFailure.KEY_EXPIRED, "Key " + hint + " expired at " + key.validUntil());
    }
    if (signedAt != null && signedAt.isBefore(key.validFrom())) {
      throw new VerificationException(
          VerificationFailure.KEY_NOT_YET_VALID,
          "Content claims to be signed at "
              + signedAt
              + ", before key "
              + hint
              + " became valid at "
              + key.validFrom());
    }
    if (key.retiredAt() != null && (signedAt == null || !signedAt.isBefore(key.retiredAt()))) {
      throw new VerificationException(
          VerificationFailure.KEY_RETIRED,
          "Content "
              + (signedAt == null ? "with no signing time" : "signed at " + signedAt)
              + " was signed by key "
              + hint
              + ", retired at "
              + key.retiredAt());
    }
    return key;
  }
}
