package io.slipway.agent.update;

import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.store.ReleaseStore;
import io.slipway.agent.trust.TrustStore;
import io.slipway.delta.image.Digest;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ServiceImage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An updater for simulated devices that store no images: it verifies the signed target state and
 * release document as {@link StandardUpdater} does, then returns the release without fetching any
 * image. The server receives the same requests as from a real device, up to the image downloads.
 *
 * <p>NOTE: no registry index is read, so each service's platform manifest is recorded as its index
 * digest; only simulations use this class, and nothing loads these images.
 *
 * <p>Not thread-safe: one update at a time.
 */
public final class SignatureOnlyUpdater implements Updater {

  private final ReleaseStore store;
  private final SignedTarget signedTarget;

  /**
   * @param api the device API, authenticated with the device key
   * @param store the store whose current release gives the sequence for the rollback rule
   * @param trust the device's trusted keys
   * @param deviceUuid the device's UUID, which the signed state must name
   */
  public SignatureOnlyUpdater(
      DeviceApi api, ReleaseStore store, TrustStore trust, String deviceUuid, Clock clock) {
    this.store = store;
    this.signedTarget = new SignedTarget(api, trust, deviceUuid, clock);
  }

  @Override
  public Prepared prepare(TargetState target, UpdateProgress progress) {
    if (target.releaseId() == null) {
      throw new IllegalArgumentException("The target state names no release to prepare");
    }
    long installedSequence = store.current().map(InstalledRelease::sequence).orElse(0L);
    ReleaseDocument document = signedTarget.verify(target, installedSequence).release();

    Map<String, InstalledService> services = new LinkedHashMap<>();
    Map<String, String> methods = new LinkedHashMap<>();
    for (ServiceImage image : document.services()) {
      TargetService service = target.services().get(image.name());
      Digest index = Digest.of(image.indexDigest());
      services.put(
          image.name(),
          new InstalledService(
              image.name(),
              service.image(),
              index,
              index,
              "simulated-" + index.hex(),
              service.environment(),
              service.labels(),
              service.configuration()));
      methods.put(image.name(), "present");
    }
    InstalledRelease release =
        new InstalledRelease(
            document.releaseId(),
            document.version(),
            document.sequence(),
            document.digest(),
            services);
    return new Prepared(release, methods, Map.of());
  }
}
