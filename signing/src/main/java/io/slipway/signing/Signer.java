package io.slipway.signing;

import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import java.security.PublicKey;
import java.util.Optional;

/**
 * Signs bytes with one private key that only the signing component holds. Images, releases, deltas
 * and target states are signed through this interface; where the private key lives (an encrypted
 * file, PKCS#11, a cloud KMS) sits behind it.
 *
 * <p>Implementations must be safe for concurrent use and must never expose the private key, not
 * even through {@code toString}.
 */
public interface Signer {

  /** Returns the key's algorithm, which fixes the signature encoding. */
  KeyAlgorithm algorithm();

  /** Returns the public half of the key. */
  PublicKey publicKey();

  /**
   * Returns the key's hint: standard base64 of the SHA-256 of its DER SubjectPublicKeyInfo. Bundles
   * carry it as the public-key hint and DSSE signatures as their key id.
   */
  default KeyHint hint() {
    return KeyHint.of(publicKey());
  }

  /**
   * Signs {@code data}: ECDSA P-256 with SHA-256 as DER, or Ed25519 as the raw 64 bytes.
   *
   * @throws SigningException when the key cannot be used, naming the key's hint
   */
  byte[] sign(byte[] data);

  /**
   * Signs a message given only its SHA-256 digest, so that files larger than memory can be signed.
   * The result verifies over the message just as {@link #sign} would. Returns empty when this
   * signer cannot sign digests: always for Ed25519, which hashes the whole message itself, and by
   * default for signers that do not override this method; the caller then passes the message to
   * {@link #sign}.
   *
   * @param sha256 the message's 32-byte SHA-256
   * @throws SigningException when the key cannot be used, naming the key's hint
   */
  default Optional<byte[]> signDigest(byte[] sha256) {
    return Optional.empty();
  }
}
