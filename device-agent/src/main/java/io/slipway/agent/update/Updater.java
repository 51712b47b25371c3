package io.slipway.agent.update;

import io.slipway.agent.client.TargetState;
import io.slipway.agent.store.InstalledRelease;
import java.util.Map;

/**
 * Brings a target release into the store, verified, without touching the current one. The checks
 * run in this order:
 *
 * <ol>
 *   <li>the signed target state (signature, device, expiry, replay), after applying a newer signed
 *       key list when the state names one;
 *   <li>the release's signed document against that state, with the rollback rule;
 *   <li>that the unsigned target's images are exactly the ones the document names.
 * </ol>
 *
 * <p>Then each service image that the store lacks arrives by a delta from the image the service
 * runs. The signature of the delta manifest is verified before the payload is read, the payload is
 * downloaded with resume and applied as a stream into staging, and every layer and manifest digest
 * is verified. When the server offers no delta or applying it fails, the image comes by a full pull
 * from the registry with a device-scoped token, which verifies every blob.
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
