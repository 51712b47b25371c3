package io.slipway.api.signing;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.release.Release;
import io.slipway.api.signing.PinEnvelopeRepository.DevicePins;
import io.slipway.api.signing.ReleaseSignatureLookup.SignedRelease;
import io.slipway.api.targetstate.StateVersions;
import io.slipway.api.targetstate.TargetStateService;
import io.slipway.signing.Signer;
import io.slipway.signing.SigningException;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.signing.state.TargetRelease;
import io.slipway.signing.state.TargetStateDocument;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Signs each device's target state as a {@link TargetStateDocument} with an expiry, so that a
 * device notices a frozen server or an old state replayed to it.
 *
 * <p>The document names the release that {@link TargetStateService#resolve} picks, with its release
 * sequence and digest, and the signed pin when a device pin or the fleet's pin made it the target.
 * Each state also names the version of the signed key list that {@link TrustPolicySigner} serves,
 * so that a device holding an older list fetches the new one before it installs anything.
 *
 * <p>Each device's latest signed state is kept in a bounded cache and served again while its
 * versions, the active key, the key list version and the release signature are unchanged and less
 * than half of {@code slipway.signing.target-state-validity} has passed. A device polling at any
 * interval therefore always receives a state valid for at least half that period. Safe for
 * concurrent use; two polls that find no fresh state both sign, and the later one stays cached.
 */
@Service
public class SignedTargetStates {

  /** Endpoint that makes a key active, named in {@code SIGNING_KEY_UNAVAILABLE} messages. */
  static final String ACTIVATE_ENDPOINT = "POST /api/v1/signing/keys/{id}/activate";

  private static final Logger log = LoggerFactory.getLogger(SignedTargetStates.class);

  private final TargetStateService states;
  private final PinEnvelopeRepository pins;
  private final ReleaseSignatureLookup signatures;
  private final SigningKeyStore keys;
  private final TrustPolicySigner trustPolicies;
  private final SigningProperties properties;
  private final Clock clock;
  private final Map<Long, SignedState> cache;

  SignedTargetStates(
      TargetStateService states,
      PinEnvelopeRepository pins,
      ReleaseSignatureLookup signatures,
      SigningKeyStore keys,
      TrustPolicySigner trustPolicies,
      SigningProperties properties,
      Clock clock,
      @Value("${slipway.target-state.cache-size:20000}") int cacheSize) {
    this.states = states;
    this.pins = pins;
    this.signatures = signatures;
    this.keys = keys;
    this.trustPolicies = trustPolicies;
    this.properties = properties;
    this.clock = clock;
    this.cache = leastRecentlyUsed(cacheSize);
  }

  /**
   * Returns the current signed target state of device {@code deviceId}, signing a new one when the
   * cached one is stale.
   *
   * @throws ApiException {@code DEVICE_NOT_FOUND} when the device no longer exists; {@code
   *     SIGNING_KEY_UNAVAILABLE} when no key is active or no key may sign the key list
   */
  public SignedState current(long deviceId) {
    StateVersions versions = states.versions(deviceId);
    Signer signer = activeSigner();
    // Taking the version from the key list signer signs that list if needed, so the list that the
    // state names can always be fetched.
    long trustPolicyVersion = trustPolicies.current().version();
    Instant now = clock.instant();

    SignedState cached = cached(deviceId);
    if (cached != null
        && cached.isFreshFor(versions, signer.hint(), trustPolicyVersion, now)
        && !releaseSignatureArrived(cached)) {
      return cached;
    }
    SignedState signed = sign(versions, signer, trustPolicyVersion, issuedAt(cached, now));
    remember(signed);
    return signed;
  }

  /**
   * Returns the time a new state is issued at: {@code now}, or one second after the cached state
   * when that one was issued in this second. A device accepts a state issued in the same second as
   * the last one it accepted, so two different states of one device must not share a second.
   * Otherwise a replay of the earlier one would still pass after the device accepted the later one.
   */
  // NOTE: the previous issue time is known only while the state is in this process's cache.
  private static Instant issuedAt(SignedState previous, Instant now) {
    if (previous == null) {
      return now;
    }
    Instant earliest = previous.issuedAt().plusSeconds(1);
    return now.isBefore(earliest) ? earliest : now;
  }

  private SignedState sign(
      StateVersions versions, Signer signer, long trustPolicyVersion, Instant now) {
    long deviceId = versions.deviceId();
    DevicePins devicePins = pins.find(deviceId).orElseThrow(() -> deviceGone(deviceId));
    Optional<Release> release = states.resolve(deviceId);
    Optional<SignedRelease> signature = release.flatMap(r -> signatures.find(r.id()));

    TargetRelease target = null;
    Envelope pin = null;
    if (release.isPresent() && signature.isPresent()) {
      Release chosen = release.get();
      target =
          new TargetRelease(
              chosen.id(), chosen.version(), signature.get().sequence(), signature.get().digest());
      pin = devicePins.envelopeFor(chosen.id()).map(SignedTargetStates::envelope).orElse(null);
    }

    TargetStateDocument document =
        new TargetStateDocument(
            devicePins.uuid(),
            devicePins.fleet(),
            now,
            now.plus(properties.targetStateValidity()),
            trustPolicyVersion,
            target,
            pin);
    byte[] json = EnvelopeJson.write(document.sign(signer));

    // NOTE: a target release without a release signature is left out of the document, because
    // the device could not check its sequence. The state names no target until it is signed.
    Long unsignedReleaseId = target == null ? release.map(Release::id).orElse(null) : null;
    log.debug(
        "Signed the target state of device {} in fleet {} with key {}: release {}, key list"
            + " version {}, expires {}",
        devicePins.uuid(),
        devicePins.fleet(),
        signer.hint(),
        release.map(Release::id).orElse(null),
        trustPolicyVersion,
        document.expiresAt());
    return new SignedState(
        versions,
        signer.hint(),
        trustPolicyVersion,
        document.issuedAt(),
        document.expiresAt(),
        unsignedReleaseId,
        json);
  }

  /**
   * Returns true when the cached state left out its release for want of a signature that exists
   * now.
   */
  private boolean releaseSignatureArrived(SignedState cached) {
    return cached.unsignedReleaseId() != null
        && signatures.find(cached.unsignedReleaseId()).isPresent();
  }

  private Signer activeSigner() {
    try {
      return keys.activeSigner();
    } catch (SigningException e) {
      throw new ApiException(
          ErrorCode.SIGNING_KEY_UNAVAILABLE,
          // Devices read this message, so it leaves out the signer's detail, which names the
          // server's key store directory.
          "The server has no active signing key, so it cannot sign target states. An"
              + " administrator activates a key with "
              + ACTIVATE_ENDPOINT);
    }
  }

  private static Envelope envelope(String json) {
    return EnvelopeJson.read(json.getBytes(StandardCharsets.UTF_8));
  }

  private SignedState cached(long deviceId) {
    synchronized (cache) {
      return cache.get(deviceId);
    }
  }

  private void remember(SignedState state) {
    synchronized (cache) {
      cache.put(state.versions().deviceId(), state);
    }
  }

  private static Map<Long, SignedState> leastRecentlyUsed(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "slipway.target-state.cache-size must be at least 1, was " + capacity);
    }
    return new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, SignedState> eldest) {
        return size() > capacity;
      }
    };
  }

  private static ApiException deviceGone(long deviceId) {
    return new ApiException(
        ErrorCode.DEVICE_NOT_FOUND,
        "Device with id " + deviceId + " no longer exists; register the device again");
  }
}
