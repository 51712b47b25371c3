package io.slipway.signing;

/**
 * Checks signatures against trusted public keys. Runs on devices too, so this module depends on no
 * server-only module.
 *
 * <p>NOTE: no implementation exists yet; it arrives with release signing.
 */
public interface SignatureVerifier {

  /** Returns true when {@code signature} over {@code payload} verifies with key {@code keyId}. */
  boolean verify(byte[] payload, byte[] signature, String keyId);
}
