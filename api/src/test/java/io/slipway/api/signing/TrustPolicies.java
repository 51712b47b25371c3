package io.slipway.api.signing;

import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads the trust policy that {@code GET /device/v1/{uuid}/signing-keys} returns, as a device. */
final class TrustPolicies {

  private TrustPolicies() {}

  /** Returns the policy of the response body {@code body}. */
  static TrustPolicy parse(JsonNode body) {
    List<TrustedKey> keys = new ArrayList<>();
    for (JsonNode key : body.get("keys")) {
      keys.add(
          new TrustedKey(
              new KeyHint(key.get("hint").asString()),
              PemKeys.parsePublicKey(key.get("publicKeyPem").asString()),
              KeyAlgorithm.valueOf(key.get("algorithm").asString()),
              Instant.ofEpochMilli(key.get("validFrom").asLong()),
              instant(key.get("validUntil")),
              instant(key.get("retiredAt")),
              key.get("revoked").asBoolean()));
    }
    return TrustPolicy.of(keys);
  }

  private static Instant instant(JsonNode millis) {
    return millis == null || millis.isNull() ? null : Instant.ofEpochMilli(millis.asLong());
  }
}
