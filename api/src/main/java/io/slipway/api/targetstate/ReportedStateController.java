package io.slipway.api.targetstate;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.device.Device;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.Release;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A device's last reported state, for members of its organization, next to the release the device
 * should run.
 */
@RestController
class ReportedStateController {

  private final AccessControl access;
  private final ReportedStates reports;
  private final TargetStateService states;

  ReportedStateController(AccessControl access, ReportedStates reports, TargetStateService states) {
    this.access = access;
    this.reports = reports;
    this.states = states;
  }

  /**
   * Returns {@code {uuid, targetReleaseId, targetReleaseVersion, reported}}; {@code reported} is
   * null until the device first reports.
   */
  @GetMapping("/api/v1/devices/{uuid}/state")
  Map<String, Object> get(Identity who, @PathVariable String uuid) {
    Device device = access.requireDevice(who, uuid, Permission.FLEET_READ);
    Optional<Release> target = states.resolve(device.id());

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("uuid", device.uuid());
    body.put("targetReleaseId", target.map(Release::id).orElse(null));
    body.put("targetReleaseVersion", target.map(Release::version).orElse(null));
    body.put("reported", reports.find(device.id()).map(ReportedStateController::json).orElse(null));
    return body;
  }

  /** Returns the wire form of a stored report. */
  static Map<String, Object> json(ReportedState state) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("releaseId", state.releaseId());
    body.put("status", state.status().name());
    body.put("services", ReportedStates.toJson(state.services()));
    body.put("osVersion", state.osVersion());
    body.put("reportedAt", state.reportedAt());
    return body;
  }
}
