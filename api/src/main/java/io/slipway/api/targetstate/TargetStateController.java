package io.slipway.api.targetstate;

import io.slipway.api.access.AccessControl;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.ReleaseRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The device side of target state: a device reads what it should run, with a strong ETag, and
 * reports what it runs. Only the device itself, with its own device key, may call these.
 *
 * <p>{@code GET} is the hot path of every fleet: a poll whose {@code If-None-Match} names the
 * current ETag costs the authentication, one query by primary key and no write, and returns {@code
 * 304} without a body. The key resolver writes only a device's first use of its key; later
 * last-seen times are batched by {@code DeviceLastSeen}.
 */
@RestController
class TargetStateController {

  private final AccessControl access;
  private final TargetStateService states;
  private final ReportedStates reports;
  private final ReleaseRepository releases;
  private final Clock clock;

  TargetStateController(
      AccessControl access,
      TargetStateService states,
      ReportedStates reports,
      ReleaseRepository releases,
      Clock clock) {
    this.access = access;
    this.states = states;
    this.reports = reports;
    this.releases = releases;
    this.clock = clock;
  }

  /** Body of {@code PATCH /device/v1/{uuid}/state}. */
  record StateReportBody(
      Long releaseId, Map<String, ServiceReportBody> services, String osVersion) {}

  /**
   * One service in a report: status in lower case, progress 0 to 100, health, the digest of the
   * image its container runs (an image index or a platform manifest), and while it moves to a new
   * image the bytes received and expected, the update method ({@code delta} or {@code full}) and a
   * message on a failure or a fallback to a full pull.
   */
  record ServiceReportBody(
      String status,
      Integer downloadProgress,
      Boolean healthy,
      String image,
      Long downloadedBytes,
      Long downloadSize,
      String updateMethod,
      String message) {}

  @GetMapping("/device/v1/{uuid}/state")
  ResponseEntity<byte[]> target(
      Identity who,
      @PathVariable String uuid,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    long deviceId = access.requireOwnDeviceId(who, uuid);
    StateVersions versions = states.versions(deviceId);
    String etag = versions.etag();
    if (EntityTags.matches(ifNoneMatch, etag)) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
          .eTag(etag)
          .cacheControl(CacheControl.noCache())
          .build();
    }

    RenderedState state = states.render(versions);
    return ResponseEntity.ok()
        .eTag(state.etag())
        .cacheControl(CacheControl.noCache())
        .contentType(MediaType.APPLICATION_JSON)
        .body(state.json());
  }

  @PatchMapping("/device/v1/{uuid}/state")
  Map<String, Object> report(
      Identity who, @PathVariable String uuid, @RequestBody StateReportBody body) {
    Device device = access.requireOwnDevice(who, uuid);
    StateReport report = parse(body);
    requireOwnFleetRelease(device, report.releaseId());
    return ReportedStateController.json(reports.save(device.id(), report, clock.millis()));
  }

  private void requireOwnFleetRelease(Device device, Long releaseId) {
    if (releaseId == null) {
      return;
    }
    boolean ownFleet =
        releases.findById(releaseId).filter(r -> r.fleetId() == device.fleetId()).isPresent();
    if (!ownFleet) {
      throw new ApiException(
          ErrorCode.INVALID_STATE_REPORT,
          "Release "
              + releaseId
              + " in the report of device "
              + device.uuid()
              + " is not a release of its fleet; report the release id from its target state");
    }
  }

  private static StateReport parse(StateReportBody body) {
    try {
      Map<String, ServiceReport> services = new LinkedHashMap<>();
      if (body.services() != null) {
        body.services().forEach((name, service) -> services.put(name, parse(name, service)));
      }
      return new StateReport(body.releaseId(), services, body.osVersion());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_STATE_REPORT, e.getMessage());
    }
  }

  private static ServiceReport parse(String name, ServiceReportBody service) {
    if (service == null || service.status() == null) {
      throw new IllegalArgumentException(
          "Service '"
              + name
              + "' in the report has no status: send one of installing,"
              + " downloading, running, exited, failed");
    }
    ServiceUpdate update =
        ServiceUpdate.ofNullable(
            service.downloadedBytes(),
            service.downloadSize(),
            service.updateMethod() == null ? null : UpdateMethod.parse(service.updateMethod()),
            service.message());
    // Devices that report bytes still fill the percentage that existing views and clients read.
    Integer progress = service.downloadProgress();
    if (progress == null && update != null) {
      progress = update.percentDone();
    }
    return new ServiceReport(
        ServiceStatus.parse(service.status()),
        progress,
        service.healthy(),
        service.image(),
        update);
  }
}
