package io.slipway.agent.update;

import io.slipway.agent.client.TargetState;
import io.slipway.agent.store.InstalledRelease;
import java.util.Map;

/**
 * Brings a target release into the store, verified, without touching the current one. The order of
 * checks: the signed target state (signature, device, expiry, replay) after applying a newer signed
 * key list when the state names one; the release's signed document against that state, with the
 * rollback rule; that the unsigned target's images are exactly the ones the document names. Then,
 * per service image the store lacks: a delta from the image the service runs (signature of the
 * delta manifest verified before the payload is read; payload downloaded with resume; applied as a
 * stream into staging; every layer and manifest digest verified) or, when the server offers none or
 * applying fails, a full pull from the registry with a device-scoped token, verifying every blob.
 *
 * <p>Not thread-safe: one update at a time.
 */
public interface Updater {

  /**
   * Prepares {@code target} for a switch.
   *
   * @param target the target state as polled
   * @param progress receives bytes per service
   * @return the release, complete in the store, and per service how it was fetched
   * @throws io.slipway.agent.AgentException {@code VERIFICATION_FAILED} when a signature, digest,
   *     trust or rollback check fails (nothing is switched; the message names the check and the
   *     value); {@code DOWNLOAD_FAILED} or {@code SERVER_UNAVAILABLE} when a fetch does not finish
   *     (partial downloads are kept and resumed by the next call)
   * @throws InterruptedException when interrupted
   */
  Prepared prepare(TargetState target, UpdateProgress progress) throws InterruptedException;

  /**
   * A prepared release.
   *
   * @param release the release, complete and verified in the store
   * @param methods per service: {@code delta}, {@code full}, or {@code present} when the store
   *     already held the image
   * @param fallbacks per service that fell back to a full pull: why
   */
  record Prepared(
      InstalledRelease release, Map<String, String> methods, Map<String, String> fallbacks) {}
}
