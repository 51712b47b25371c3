package io.slipway.signing;

/**
 * Signs payloads with a key that only the signing component holds. Images, releases and deltas are
 * signed through this interface; key storage (a file, PKCS#11, a cloud KMS) sits behind it.
 *
 * <p>NOTE: no implementation exists yet; the Sigstore bundle signer arrives with release signing.
 * Implementations must be safe for concurrent use.
 */
public interface Signer {

  /** Returns the signature of {@code payload}, in the key's native encoding (DER for ECDSA). */
  byte[] sign(byte[] payload);

  /** Returns a stable identifier of the public key, for the bundle's public-key hint. */
  String keyId();
}
