package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.trust.TrustStore;
import io.slipway.signing.SigningException;
import io.slipway.signing.VerificationException;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ReleaseVerifier;
import io.slipway.signing.release.ServiceImage;
import io.slipway.signing.state.TargetStateDocument;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of an update: proves that the polled target is what a trusted key signed. In
 * order: fetch the signed target state; when it names a newer key list than the device holds (or
 * the device holds no key), fetch and apply the signed key list; verify the state (signature,
 * device, expiry, replay) and record its {@code issuedAt}; fetch the release's bundle (none means
 * unsigned); verify it with the rollback rule; check that the polled target names the same release
 * and exactly the document's images. Not thread-safe.
 */
final class SignedTarget {

  private static final Logger LOG = LoggerFactory.getLogger(SignedTarget.class);

  private final DeviceApi api;
  private final TrustStore trust;
  private final String deviceUuid;
  private final Clock clock;

  SignedTarget(DeviceApi api, TrustStore trust, String deviceUuid, Clock clock) {
    this.api = api;
    this.trust = trust;
    this.deviceUuid = deviceUuid;
    this.clock = clock;
  }

  /**
   * Verifies {@code target} as described above.
   *
   * @param installedSequence the sequence of the release the device runs, 0 for none
   * @throws AgentException {@code VERIFICATION_FAILED} naming the check that failed; the errors of
   *     {@link DeviceApi} for fetches
   */
  VerifiedTarget verify(TargetState target, long installedSequence) {
    try {
      TargetStateDocument state = verifiedState();
      ReleaseDocument release = verifiedRelease(target, state, installedSequence);
      requireSameImages(target, release);
      return new VerifiedTarget(state, release);
    } catch (VerificationException e) {
      throw new AgentException(
          AgentFailure.VERIFICATION_FAILED,
          "Release "
              + target.releaseId()
              + " failed verification ("
              + e.failure()
              + "): "
              + e.getMessage(),
          e);
    } catch (SigningException e) {
      throw new AgentException(
          AgentFailure.PROTOCOL,
          "A signed document of release "
              + target.releaseId()
              + " does not parse: "
              + e.getMessage(),
          e);
    }
  }

  private TargetStateDocument verifiedState() {
    Envelope envelope = EnvelopeJson.read(api.signedTargetState());
    // Read unverified only to learn whether a newer key list must come first; verified below.
    long named = TargetStateDocument.parse(envelope.payload()).trustPolicyVersion();
    if (!trust.hasKeys() || named > trust.trust().version()) {
      trust.apply(EnvelopeJson.read(api.signedKeyList()), clock.instant());
    }
    Instant now = clock.instant();
    TargetStateDocument state =
        TargetStateDocument.verify(
            envelope, trust.trust().policy(), deviceUuid, trust.lastStateIssuedAt(), now);
    state.requireTrustPolicyVersion(trust.trust().version());
    trust.acceptState(state.issuedAt(), now);
    return state;
  }

  private ReleaseDocument verifiedRelease(
      TargetState target, TargetStateDocument state, long installedSequence) {
    long releaseId = target.releaseId();
    byte[] bundle =
        api.releaseSignature(releaseId)
            .orElseThrow(
                () ->
                    new AgentException(
                        AgentFailure.VERIFICATION_FAILED,
                        "Release "
                            + releaseId
                            + " is unsigned, so the device does not install it; sign it on the"
                            + " server or deploy a signed release"));
    ReleaseDocument release =
        ReleaseVerifier.verify(
            Bundle.parse(bundle), state, installedSequence, trust.trust(), clock.instant());
    if (release.releaseId() != releaseId) {
      throw mismatch(
          "The signed target state names release "
              + release.releaseId()
              + ", but the polled target names release "
              + releaseId);
    }
    // DEBUG: while update locks hold a release back, it is verified again at every poll.
    LOG.debug(
        "Device {} verified release {} (version {}, sequence {}, document {})",
        deviceUuid,
        releaseId,
        release.version(),
        release.sequence(),
        release.digest());
    return release;
  }

  /** The polled, unsigned target must name exactly the services and images the document signs. */
  private static void requireSameImages(TargetState target, ReleaseDocument release) {
    Map<String, String> signed =
        release.services().stream()
            .collect(Collectors.toMap(ServiceImage::name, ServiceImage::indexDigest));
    Set<String> polled = new TreeSet<>(target.services().keySet());
    if (!polled.equals(new TreeSet<>(signed.keySet()))) {
      throw mismatch(
          "Release "
              + release.releaseId()
              + " signs services "
              + new TreeSet<>(signed.keySet())
              + ", but the polled target names "
              + polled);
    }
    for (TargetService service : target.services().values()) {
      String digest = ImageReference.digestOf(service.image());
      if (!digest.equals(signed.get(service.name()))) {
        throw mismatch(
            "Service "
                + service.name()
                + " of release "
                + release.releaseId()
                + " is signed as image "
                + signed.get(service.name())
                + ", but the polled target names "
                + service.image());
      }
    }
  }

  private static AgentException mismatch(String message) {
    return new AgentException(AgentFailure.VERIFICATION_FAILED, message);
  }
}
