package io.slipway.api.signing;

import io.slipway.api.access.AccessControl;
import io.slipway.api.identity.Identity;
import io.slipway.signing.keystore.SigningKeyStore;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The device endpoints of signing: the keys a device trusts when it checks what the server signs.
 * Only the device itself, with its own device key, may call them.
 */
@RestController
class DeviceSigningController {

  private final AccessControl access;
  private final SigningKeyStore keys;

  DeviceSigningController(AccessControl access, SigningKeyStore keys) {
    this.access = access;
    this.keys = keys;
  }

  /** Returns every key of the server with its validity, revoked ones included. */
  @GetMapping("/device/v1/{uuid}/signing-keys")
  TrustPolicyBody signingKeys(Identity who, @PathVariable String uuid) {
    access.requireOwnDeviceId(who, uuid);
    return TrustPolicyBody.of(keys.keys());
  }
}
