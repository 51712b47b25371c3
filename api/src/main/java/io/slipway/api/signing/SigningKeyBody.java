package io.slipway.api.signing;

import io.slipway.signing.key.PemKeys;
import io.slipway.signing.keystore.StoredKey;
import java.time.Instant;

/**
 * A signing key as administrators see it: its public half and rotation state, never its private
 * half. Times are milliseconds since the epoch.
 *
 * @param id the key's hint in URL-safe base64, as paths name the key
 * @param hint the key's hint: standard base64 of the SHA-256 of its SubjectPublicKeyInfo
 * @param algorithm {@code ECDSA_P256} or {@code ED25519}
 * @param state {@code ACTIVE}, {@code STANDBY}, {@code RETIRED} or {@code REVOKED}
 * @param origin {@code GENERATED} or {@code IMPORTED}
 * @param publicKeyPem the public key as a {@code PUBLIC KEY} PEM block
 * @param createdAt when the key entered the store; its validity starts then
 * @param expiresAt when its validity ends, or null
 * @param activatedAt when it last became the active key, or null
 * @param retiredAt when it was retired, or null
 * @param revokedAt when it was revoked, or null
 */
record SigningKeyBody(
    String id,
    String hint,
    String algorithm,
    String state,
    String origin,
    String publicKeyPem,
    long createdAt,
    Long expiresAt,
    Long activatedAt,
    Long retiredAt,
    Long revokedAt) {

  static SigningKeyBody of(StoredKey key) {
    return new SigningKeyBody(
        key.hint().urlSafe(),
        key.hint().value(),
        key.algorithm().name(),
        key.state().name(),
        key.origin().name(),
        PemKeys.publicKeyPem(key.publicKey()),
        key.createdAt().toEpochMilli(),
        millis(key.expiresAt()),
        millis(key.activatedAt()),
        millis(key.retiredAt()),
        millis(key.revokedAt()));
  }

  static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }
}
