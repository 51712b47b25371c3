package io.slipway.signing.trust;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves a device from the keys it trusts to a newer signed key list ({@link TrustPolicyDocument}),
 * as TUF clients update their root role: the keys the device already trusts decide whether the new
 * list counts. One signature by such a key is enough. Stateless and thread-safe.
 *
 * <p>A device keeps the returned policy and version and passes them to the next call. A device that
 * missed several lists can still take the latest one while at least one key it trusts signed it. A
 * device whose keys were all revoked or retired, or have expired, can follow no list and must be
 * provisioned again.
 */
public final class TrustUpdate {

  private TrustUpdate() {}

  /**
   * Applies the signed key list {@code update} to the keys a device trusts. The checks, in order:
   *
   * <ol>
   *   <li>the payload type is {@link TrustPolicyDocument#PAYLOAD_TYPE} ({@code SUBJECT_MISMATCH});
   *   <li>at least one signature verifies with a key that {@code current} trusts at {@code now}:
   *       not revoked, not expired and not retired, since a retired key might have leaked ({@code
   *       UNKNOWN_KEY}, {@code KEY_REVOKED}, {@code KEY_EXPIRED}, {@code KEY_RETIRED} for the first
   *       signature when none counts; {@code BAD_SIGNATURE} when a trusted key's signature fails);
   *   <li>the payload is a valid document ({@code MALFORMED});
   *   <li>its version is higher than {@code currentVersion}. A list of the same version with the
   *       same keys changes nothing. A lower version, or the same version with other keys, is
   *       {@code REPLAYED};
   *   <li>every key revoked in {@code current} is listed and revoked ({@code KEY_REVOKED}), and
   *       every key retired in {@code current} is listed, revoked or retired no later than before
   *       ({@code KEY_RETIRED}). So a key that leaked stays distrusted even when a key that still
   *       counts signs a list that would lift its revocation.
   * </ol>
   *
   * @param current the keys the device trusts now
   * @param currentVersion the version they came from, 0 for keys from provisioning
   * @param update the signed key list the server sent
   * @param now the device's current time
   * @return the new policy and version, or {@code current} and {@code currentVersion} when the list
   *     is the one the device already has
   * @throws VerificationException naming the failed check, the versions or the key hint
   */
  public static VersionedTrustPolicy apply(
      TrustPolicy current, long currentVersion, Envelope update, Instant now) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(now, "now");
    // No signing time: a retired key counts for nothing here, whatever date the list claims.
    Dsse.verifyAnyTrusted(update, TrustPolicyDocument.PAYLOAD_TYPE, current, null, now);
    TrustPolicyDocument document = TrustPolicyDocument.parse(update.payload());

    if (document.version() == currentVersion && sameKeys(current, document)) {
      return new VersionedTrustPolicy(current, currentVersion);
    }
    if (document.version() <= currentVersion) {
      throw new VerificationException(
          VerificationFailure.REPLAYED,
          "The key list has version "
              + document.version()
              + (document.version() == currentVersion ? " with other keys than" : ", older than")
              + " the accepted version "
              + currentVersion);
    }
    for (TrustedKey known : current.keys()) {
      requireKeptDistrust(known, document.toPolicy().find(known.hint()), document.version());
    }
    return new VersionedTrustPolicy(document.toPolicy(), document.version());
  }

  /**
   * Accepts a device's first key list with nothing to check it against: trust on first use. The
   * list counts when a key it lists as trusted now signed it, which proves only that whoever sent
   * it holds that key. Use it only where the channel is trusted, such as a list written into the
   * device's configuration at provisioning; a list fetched over the network this way trusts whoever
   * answered.
   *
   * @throws VerificationException as {@link #apply} does, with the list's own keys as the current
   *     ones
   */
  public static VersionedTrustPolicy trustOnFirstUse(Envelope first, Instant now) {
    if (!first.payloadType().equals(TrustPolicyDocument.PAYLOAD_TYPE)) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "DSSE payload type is '"
              + first.payloadType()
              + "', expected '"
              + TrustPolicyDocument.PAYLOAD_TYPE
              + "'");
    }
    TrustPolicy claimed = TrustPolicyDocument.parse(first.payload()).toPolicy();
    return apply(claimed, 0, first, now);
  }

  private static boolean sameKeys(TrustPolicy current, TrustPolicyDocument document) {
    return new HashSet<>(current.keys()).equals(new HashSet<>(document.keys()));
  }

  private static void requireKeptDistrust(
      TrustedKey known, Optional<TrustedKey> listed, long version) {
    if (known.revoked() && !listed.map(TrustedKey::revoked).orElse(false)) {
      throw new VerificationException(
          VerificationFailure.KEY_REVOKED,
          "Key list version "
              + version
              + (listed.isEmpty() ? " drops key " : " lifts the revocation of key ")
              + known.hint()
              + ", which the device holds as revoked");
    }
    if (known.retiredAt() == null || known.revoked()) {
      return;
    }
    boolean keptRetired =
        listed
            .map(
                key ->
                    key.revoked()
                        || (key.retiredAt() != null && !key.retiredAt().isAfter(known.retiredAt())))
            .orElse(false);
    if (!keptRetired) {
      throw new VerificationException(
          VerificationFailure.KEY_RETIRED,
          "Key list version "
              + version
              + (listed.isEmpty() ? " drops key " : " moves the retirement of key ")
              + known.hint()
              + (listed.isEmpty() ? "" : " later than " + known.retiredAt())
              + ", which the device holds as retired");
    }
  }
}
