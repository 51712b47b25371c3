package io.slipway.api.release;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.device.Device;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.event.FleetTargetChanged;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import io.slipway.api.signing.PinSigner;
import io.slipway.api.targetstate.TargetChangeEvents;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Promotion of finished releases by release managers: pin a fleet to a release or let it track its
 * latest successful release, pin a single device, and invalidate a release so that no device keeps
 * it as its target. Callers check the {@code RELEASE_PROMOTE} permission first.
 *
 * <p>Pins of a fleet or a device are signed by {@link PinSigner} and stored with the pin, so that
 * devices may accept the pinned release even when it is older than the one they run.
 *
 * <p>Every change bumps the target version of the fleet or device, is audited ({@code
 * fleet.target.changed}, {@code device.pinned}, {@code device.unpinned}, {@code
 * release.invalidated}) in the same transaction, and is published as {@link FleetTargetChanged}
 * after commit. Safe for concurrent use; each change is one conditional statement plus its audit
 * entry.
 */
@Service
public class PromotionService {

  private static final Logger log = LoggerFactory.getLogger(PromotionService.class);

  private final ReleaseRepository releases;
  private final PromotionRepository promotions;
  private final FleetRepository fleets;
  private final DeviceRepository devices;
  private final AuditLog audit;
  private final TargetChangeEvents events;
  private final PinSigner pins;
  private final Clock clock;

  public PromotionService(
      ReleaseRepository releases,
      PromotionRepository promotions,
      FleetRepository fleets,
      DeviceRepository devices,
      AuditLog audit,
      TargetChangeEvents events,
      PinSigner pins,
      Clock clock) {
    this.releases = releases;
    this.promotions = promotions;
    this.fleets = fleets;
    this.devices = devices;
    this.audit = audit;
    this.events = events;
    this.pins = pins;
    this.clock = clock;
  }

  /**
   * Pins {@code fleet} to {@code releaseId}: devices without a pin or rollout of their own run it.
   *
   * @return the fleet after the change
   * @throws ApiException {@code RELEASE_NOT_FOUND} when the release is not one of the fleet's;
   *     {@code RELEASE_NOT_DEPLOYABLE} when it did not succeed or was invalidated
   */
  @Transactional
  public Fleet pinFleet(Identity actor, Fleet fleet, long releaseId) {
    Release release = requireDeployable(fleet, releaseId);
    String pin = pins.sign(actor, fleet.repositoryPrefix(), null, release.id()).orElse(null);
    promotions.setFleetTarget(fleet.id(), release.id(), false, pin);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("releaseId", release.id());
    details.put("version", release.version());
    details.put("trackLatest", false);
    details.put("previousReleaseId", fleet.targetReleaseId());
    details.put("previousTrackLatest", fleet.trackLatest());
    details.put("signedPin", pin != null);
    audit.record(
        actor,
        "fleet.target.changed",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        details);
    events.publishAfterCommit(
        FleetTargetChanged.wholeFleet(fleet.id(), release.id(), "fleet.target.changed"));
    log.info(
        "Fleet {} pinned to release {} ({}) by {}",
        fleet.repositoryPrefix(),
        release.id(),
        release.version(),
        actor.subject());
    return reload(fleet);
  }

  /**
   * Lets {@code fleet} follow its latest successful release that is not invalidated.
   *
   * @return the fleet after the change
   */
  @Transactional
  public Fleet trackLatest(Identity actor, Fleet fleet) {
    promotions.setFleetTarget(fleet.id(), null, true);
    Long latest = releases.findLatestDeployable(fleet.id()).orElse(null);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("trackLatest", true);
    details.put("latestReleaseId", latest);
    details.put("previousReleaseId", fleet.targetReleaseId());
    details.put("previousTrackLatest", fleet.trackLatest());
    audit.record(
        actor,
        "fleet.target.changed",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        details);
    events.publishAfterCommit(
        FleetTargetChanged.wholeFleet(fleet.id(), latest, "fleet.target.changed"));
    log.info(
        "Fleet {} tracks its latest release (now {}) by {}",
        fleet.repositoryPrefix(),
        latest,
        actor.subject());
    return reload(fleet);
  }

  /**
   * Pins one device to {@code releaseId}, which must be a deployable release of its fleet.
   *
   * @return the device after the change
   * @throws ApiException as for {@link #pinFleet}
   */
  @Transactional
  public Device pinDevice(Identity actor, Device device, long releaseId) {
    Fleet fleet = fleetOf(device);
    Release release = requireDeployable(fleet, releaseId);
    String pin =
        pins.sign(actor, fleet.repositoryPrefix(), device.uuid(), release.id()).orElse(null);
    promotions.setDevicePin(device.id(), release.id(), pin);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("releaseId", release.id());
    details.put("version", release.version());
    details.put("previousReleaseId", device.pinnedReleaseId());
    details.put("signedPin", pin != null);
    audit.record(actor, "device.pinned", "device", device.uuid(), fleet.organizationId(), details);
    events.publishAfterCommit(
        new FleetTargetChanged(fleet.id(), List.of(device.uuid()), release.id(), "device.pinned"));
    log.info(
        "Device {} of fleet {} pinned to release {} by {}",
        device.uuid(),
        fleet.repositoryPrefix(),
        release.id(),
        actor.subject());
    return reload(device);
  }

  /**
   * Removes a device's pin, so that it follows its rollout or fleet again. Removing an absent pin
   * changes nothing and is not audited.
   *
   * @return the device after the change
   */
  @Transactional
  public Device unpinDevice(Identity actor, Device device) {
    if (device.pinnedReleaseId() == null) {
      return device;
    }
    Fleet fleet = fleetOf(device);
    promotions.setDevicePin(device.id(), null, null);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("previousReleaseId", device.pinnedReleaseId());
    audit.record(
        actor, "device.unpinned", "device", device.uuid(), fleet.organizationId(), details);
    events.publishAfterCommit(
        new FleetTargetChanged(fleet.id(), List.of(device.uuid()), null, "device.unpinned"));
    log.info(
        "Device {} of fleet {} unpinned by {}",
        device.uuid(),
        fleet.repositoryPrefix(),
        actor.subject());
    return reload(device);
  }

  /**
   * Invalidates a release: from now on it is no device's target, whether through a fleet target, a
   * pin or a rollout, and devices on it move to what the next rule of target resolution names.
   * Invalidating an invalidated release changes nothing and is not audited again.
   *
   * @return the release after the change
   * @throws ApiException {@code RELEASE_NOT_FOUND} when it does not exist
   */
  @Transactional
  public Release invalidate(Identity actor, Release release) {
    if (!releases.invalidate(release.id(), actor.subject(), clock.millis())) {
      return releases.findById(release.id()).orElseThrow(() -> notFound(release.id()));
    }
    Fleet fleet = fleets.findById(release.fleetId()).orElseThrow(() -> notFound(release.id()));
    fleets.bumpTargetVersion(fleet.id());

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("version", release.version());
    audit.record(
        actor,
        "release.invalidated",
        "release",
        String.valueOf(release.id()),
        fleet.organizationId(),
        details);
    events.publishAfterCommit(
        FleetTargetChanged.wholeFleet(fleet.id(), null, "release.invalidated"));
    log.info(
        "Release {} ({}) of fleet {} invalidated by {}",
        release.id(),
        release.version(),
        fleet.repositoryPrefix(),
        actor.subject());
    return releases.findById(release.id()).orElseThrow(() -> notFound(release.id()));
  }

  private Release requireDeployable(Fleet fleet, long releaseId) {
    Release release =
        releases
            .findById(releaseId)
            .filter(found -> found.fleetId() == fleet.id())
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.RELEASE_NOT_FOUND,
                        "Release "
                            + releaseId
                            + " is not a release of fleet "
                            + fleet.repositoryPrefix()
                            + "; pick one from the fleet's release list"));
    if (!release.isDeployable()) {
      String why = release.invalidated() ? "was invalidated" : "has status " + release.status();
      throw new ApiException(
          ErrorCode.RELEASE_NOT_DEPLOYABLE,
          "Release "
              + releaseId
              + " ("
              + release.version()
              + ") "
              + why
              + " and cannot be a target; pick a successful release that is not invalidated");
    }
    return release;
  }

  private Fleet fleetOf(Device device) {
    return fleets
        .findById(device.fleetId())
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.DEVICE_NOT_FOUND,
                    "The fleet of device " + device.uuid() + " no longer exists"));
  }

  private Fleet reload(Fleet fleet) {
    return fleets.findById(fleet.id()).orElse(fleet);
  }

  private Device reload(Device device) {
    return devices.findById(device.id()).orElse(device);
  }

  private static ApiException notFound(long releaseId) {
    return ReleaseService.notFound(releaseId);
  }
}
