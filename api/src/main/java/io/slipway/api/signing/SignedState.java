package io.slipway.api.signing;

import io.slipway.api.targetstate.StateVersions;
import io.slipway.signing.key.KeyHint;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A device's signed target state: the DSSE envelope JSON and what it was signed from. Immutable;
 * the byte array is never changed after construction and must not be changed by callers.
 *
 * @param versions the target-state versions read before signing
 * @param keyHint the hint of the key that signed it
 * @param trustPolicyVersion the key list version the document names
 * @param issuedAt the issue time inside the signed document, whole seconds
 * @param expiresAt the expiry inside the signed document
 * @param unsignedReleaseId the target release when it had no release signature yet, so the state
 *     names no target; null otherwise
 * @param envelopeJson the response body
 */
record SignedState(
    StateVersions versions,
    KeyHint keyHint,
    long trustPolicyVersion,
    Instant issuedAt,
    Instant expiresAt,
    Long unsignedReleaseId,
    byte[] envelopeJson) {

  // Changes whenever the form of the signed state changes, so that old ETags stop matching.
  private static final String FORMAT = "sts2";

  SignedState {
    Objects.requireNonNull(versions, "versions");
    Objects.requireNonNull(keyHint, "keyHint");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(envelopeJson, "envelopeJson");
  }

  /**
   * Returns true when this state may still be served for {@code current} versions signed by {@code
   * activeKey} and naming key list {@code currentTrustPolicyVersion} at {@code now}: nothing it was
   * signed from changed, and less than half of its validity has passed, so a device always receives
   * at least half a validity period.
   */
  boolean isFreshFor(
      StateVersions current, KeyHint activeKey, long currentTrustPolicyVersion, Instant now) {
    if (!versions.equals(current)
        || !keyHint.equals(activeKey)
        || trustPolicyVersion != currentTrustPolicyVersion) {
      return false;
    }
    Duration half = Duration.between(issuedAt, expiresAt).dividedBy(2);
    return now.isBefore(issuedAt.plus(half)) && !now.isBefore(issuedAt);
  }

  /**
   * Returns the strong ETag, quoted, such as {@code "sts2-7-2-15-3-1764921600-lPLRUTmc"}: the
   * versions, the issue time in seconds and the start of the signing key's hint, which together
   * tell the signings of one device apart.
   */
  String etag() {
    return "\""
        + FORMAT
        + "-"
        + versions.deviceId()
        + "-"
        + versions.fleetId()
        + "-"
        + versions.fleetVersion()
        + "-"
        + versions.deviceVersion()
        + "-"
        + issuedAt.getEpochSecond()
        + "-"
        + keyHint.urlSafe().substring(0, 8)
        + "\"";
  }
}
