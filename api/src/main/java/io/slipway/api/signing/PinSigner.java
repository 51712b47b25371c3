package io.slipway.api.signing;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.api.signing.ReleaseSignatureLookup.SignedRelease;
import io.slipway.signing.Signer;
import io.slipway.signing.SigningException;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.signing.release.PinDocument;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Signs the pins that release managers set, as {@link PinDocument}s: a signed pin is what lets a
 * device accept a release older than the one it runs. Safe for concurrent use.
 */
@Service
public class PinSigner {

  private static final Logger log = LoggerFactory.getLogger(PinSigner.class);

  private final SigningKeyStore keys;
  private final ReleaseSignatureLookup signatures;
  private final Clock clock;

  PinSigner(SigningKeyStore keys, ReleaseSignatureLookup signatures, Clock clock) {
    this.keys = keys;
    this.signatures = signatures;
    this.clock = clock;
  }

  /**
   * Signs the pin of fleet {@code fleet} (or of one of its devices) to release {@code releaseId} by
   * {@code actor}, pinned now.
   *
   * @param fleet the fleet as {@code <org>/<fleet>}
   * @param deviceUuid the pinned device, or null for a pin of the whole fleet
   * @return the DSSE envelope JSON of the signed pin, or empty when the release has no release
   *     signature, so there is no sequence and digest to pin
   * @throws ApiException {@code SIGNING_KEY_UNAVAILABLE} when no signing key is active
   */
  public Optional<String> sign(Identity actor, String fleet, String deviceUuid, long releaseId) {
    Optional<SignedRelease> signature = signatures.find(releaseId);
    if (signature.isEmpty()) {
      // NOTE: releases finished before release signing existed have no sequence, so their pins
      // stay unsigned. A device already on a newer release then rejects the move back to them.
      log.warn(
          "Release {} of fleet {} has no release signature; the pin of {} by {} is not signed",
          releaseId,
          fleet,
          deviceUuid == null ? "the fleet" : "device " + deviceUuid,
          actor.subject());
      return Optional.empty();
    }

    PinDocument pin =
        new PinDocument(
            fleet,
            deviceUuid,
            signature.get().sequence(),
            signature.get().digest(),
            clock.instant(),
            actor.subject());
    Signer signer = activeSigner(fleet);
    String json = new String(EnvelopeJson.write(pin.sign(signer)), StandardCharsets.UTF_8);
    log.info(
        "Signed the pin of {} to release {} (sequence {}) with key {}",
        deviceUuid == null ? "fleet " + fleet : "device " + deviceUuid + " of fleet " + fleet,
        releaseId,
        signature.get().sequence(),
        signer.hint());
    return Optional.of(json);
  }

  private Signer activeSigner(String fleet) {
    try {
      return keys.activeSigner();
    } catch (SigningException e) {
      throw new ApiException(
          ErrorCode.SIGNING_KEY_UNAVAILABLE,
          "The pin in fleet "
              + fleet
              + " cannot be signed because the server has no active signing key: "
              + e.getMessage()
              + ". An administrator activates a key with "
              + SignedTargetStates.ACTIVATE_ENDPOINT);
    }
  }
}
