package io.slipway.signing;

/** The checks a verification can fail, one constant each. Stable: devices report these names. */
public enum VerificationFailure {
  /** No signature, or no bundle, where one is required. */
  UNSIGNED,
  /** The bundle, envelope or document cannot be parsed or misses a required field. */
  MALFORMED,
  /** The signature was made by a key that the trust policy does not hold. */
  UNKNOWN_KEY,
  /** The signature does not verify over the signed bytes, or is truncated. */
  BAD_SIGNATURE,
  /** The artifact's digest differs from the one the bundle or statement names. */
  DIGEST_MISMATCH,
  /** The signed document is about another subject: another fleet, device or artifact type. */
  SUBJECT_MISMATCH,
  /** The signing time lies before the key's validity period starts. */
  KEY_NOT_YET_VALID,
  /** The key's validity period has ended. */
  KEY_EXPIRED,
  /** The content was signed after the key was retired. */
  KEY_RETIRED,
  /** The key was revoked; nothing it signed is trusted. */
  KEY_REVOKED,
  /** The release is older than one already installed and carries no signed pin allowing it. */
  ROLLBACK,
  /** The signed target state has passed its expiry: the server may be frozen. */
  EXPIRED,
  /** The signed target state is older than one already accepted: a replay. */
  REPLAYED,
  /**
   * The signed target state names a newer key list than the one the device holds. The device
   * fetches and applies the signed key list, then verifies again. A key list that stays withheld
   * keeps the device from installing anything.
   */
  STALE_TRUST_POLICY
}
