package io.slipway.api.signing;

import io.slipway.signing.key.PemKeys;
import io.slipway.signing.keystore.StoredKey;
import io.slipway.signing.trust.TrustedKey;
import java.util.List;

/**
 * The trust policy a device reads: every key of the server, revoked ones included so that a device
 * drops them. Times are milliseconds since the epoch. A device turns each entry into a {@link
 * TrustedKey}.
 *
 * @param keys the keys, oldest first
 */
record TrustPolicyBody(List<TrustedKeyBody> keys) {

  /**
   * One trusted key.
   *
   * @param id the hint in URL-safe base64
   * @param hint the hint that signatures name as their key id
   * @param algorithm {@code ECDSA_P256} or {@code ED25519}
   * @param publicKeyPem the public key as a {@code PUBLIC KEY} PEM block
   * @param validFrom the first instant at which content signed by the key counts
   * @param validUntil the instant after which the key verifies nothing, or null
   * @param retiredAt the instant from which content it signs is rejected, or null
   * @param revoked true when nothing the key signed may be trusted
   */
  record TrustedKeyBody(
      String id,
      String hint,
      String algorithm,
      String publicKeyPem,
      long validFrom,
      Long validUntil,
      Long retiredAt,
      boolean revoked) {

    static TrustedKeyBody of(StoredKey stored) {
      TrustedKey key = stored.toTrustedKey();
      return new TrustedKeyBody(
          key.hint().urlSafe(),
          key.hint().value(),
          key.algorithm().name(),
          PemKeys.publicKeyPem(key.publicKey()),
          key.validFrom().toEpochMilli(),
          SigningKeyBody.millis(key.validUntil()),
          SigningKeyBody.millis(key.retiredAt()),
          key.revoked());
    }
  }

  static TrustPolicyBody of(List<StoredKey> keys) {
    return new TrustPolicyBody(keys.stream().map(TrustedKeyBody::of).toList());
  }
}
