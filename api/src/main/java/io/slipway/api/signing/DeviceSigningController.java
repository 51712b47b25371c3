package io.slipway.api.signing;

import io.slipway.api.access.AccessControl;
import io.slipway.api.identity.Identity;
import io.slipway.api.signing.TrustPolicySigner.SignedTrustPolicy;
import io.slipway.api.targetstate.EntityTags;
import io.slipway.signing.keystore.SigningKeyStore;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The device endpoints of signing: the keys a device trusts, plain and as a signed key list, and
 * its target state signed with an expiry. Only the device itself, with its own device key, may call
 * them.
 */
@RestController
class DeviceSigningController {

  private final AccessControl access;
  private final SigningKeyStore keys;
  private final SignedTargetStates signedStates;
  private final TrustPolicySigner trustPolicies;

  DeviceSigningController(
      AccessControl access,
      SigningKeyStore keys,
      SignedTargetStates signedStates,
      TrustPolicySigner trustPolicies) {
    this.access = access;
    this.keys = keys;
    this.signedStates = signedStates;
    this.trustPolicies = trustPolicies;
  }

  /** Returns every key of the server with its validity, revoked ones included. */
  @GetMapping("/device/v1/{uuid}/signing-keys")
  TrustPolicyBody signingKeys(Identity who, @PathVariable String uuid) {
    access.requireOwnDeviceId(who, uuid);
    return TrustPolicyBody.of(keys.keys());
  }

  /**
   * Returns the same keys as {@link #signingKeys}, as a signed key list: a DSSE envelope in JSON of
   * a {@code TrustPolicyDocument}, signed by every key that may vouch for it. Returns {@code 304}
   * when {@code If-None-Match} names the list the server would send.
   */
  @GetMapping("/device/v1/{uuid}/signing-keys/signed")
  ResponseEntity<byte[]> signedSigningKeys(
      Identity who,
      @PathVariable String uuid,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    access.requireOwnDeviceId(who, uuid);
    SignedTrustPolicy list = trustPolicies.current();
    return signedResponse(list.etag(), list.envelopeJson(), ifNoneMatch);
  }

  /**
   * Returns the device's target state as a signed DSSE envelope in JSON, or {@code 304} when {@code
   * If-None-Match} names the envelope the server would send.
   */
  @GetMapping("/device/v1/{uuid}/state/signed")
  ResponseEntity<byte[]> signedState(
      Identity who,
      @PathVariable String uuid,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    long deviceId = access.requireOwnDeviceId(who, uuid);
    SignedState state = signedStates.current(deviceId);
    return signedResponse(state.etag(), state.envelopeJson(), ifNoneMatch);
  }

  private static ResponseEntity<byte[]> signedResponse(
      String etag, byte[] envelopeJson, String ifNoneMatch) {
    if (EntityTags.matches(ifNoneMatch, etag)) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
          .eTag(etag)
          .cacheControl(CacheControl.noCache())
          .build();
    }
    return ResponseEntity.ok()
        .eTag(etag)
        .cacheControl(CacheControl.noCache())
        .contentType(MediaType.APPLICATION_JSON)
        .body(envelopeJson);
  }
}
