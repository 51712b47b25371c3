package io.slipway.signing.keystore;

/** Rotation state of a stored signing key. */
public enum KeyState {
  /** The key that signs. At most one key is active. */
  ACTIVE,
  /**
   * Trusted but not signing: a new key published ahead of its activation, or the previous active
   * key after a rotation, which keeps verifying until it is retired.
   */
  STANDBY,
  /** Signs nothing; verifies only what it signed before its retirement. */
  RETIRED,
  /** Verifies nothing. */
  REVOKED
}
