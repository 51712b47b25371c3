package io.slipway.api.provisioning;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.time.Instant;

/** Builds the typed errors for a provisioning key that cannot register a device. */
final class ProvisioningKeyErrors {

  private ProvisioningKeyErrors() {}

  /**
   * Returns the error for {@code key} in {@code state}.
   *
   * @throws IllegalArgumentException when {@code state} is {@link ProvisioningKey.State#USABLE}
   */
  static ApiException of(ProvisioningKey key, ProvisioningKey.State state) {
    return switch (state) {
      case REVOKED ->
          new ApiException(
              ErrorCode.PROVISIONING_KEY_REVOKED,
              "Provisioning key "
                  + key.id()
                  + " ('"
                  + key.name()
                  + "') was revoked: ask an owner of the fleet for a new key");
      case EXPIRED ->
          new ApiException(
              ErrorCode.PROVISIONING_KEY_EXPIRED,
              "Provisioning key "
                  + key.id()
                  + " ('"
                  + key.name()
                  + "') expired at "
                  + Instant.ofEpochMilli(key.expiresAt())
                  + ": ask an owner of the fleet for a new key");
      case USED_UP ->
          new ApiException(
              ErrorCode.PROVISIONING_KEY_USED_UP,
              "Provisioning key "
                  + key.id()
                  + " ('"
                  + key.name()
                  + "') has registered its maximum of "
                  + key.maxUses()
                  + " devices: ask an owner of the fleet for a new key");
      case USABLE -> throw new IllegalArgumentException("Key " + key.id() + " is usable");
    };
  }
}
