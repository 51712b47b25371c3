package io.slipway.api.release;

import io.slipway.api.access.AccessControl;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.ReleaseBodies.LogLineBody;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Build logs of a device's own fleet, for the device itself with its device key. A release of
 * another fleet gets the same {@code RELEASE_NOT_FOUND} as an id that does not exist.
 */
@RestController
class DeviceBuildLogController {

  private static final int MAX_PAGE = 500;

  private final AccessControl access;
  private final ReleaseService releases;

  DeviceBuildLogController(AccessControl access, ReleaseService releases) {
    this.access = access;
    this.releases = releases;
  }

  @GetMapping("/device/v1/{uuid}/fleet/releases/{id}/logs")
  List<LogLineBody> logs(
      Identity who,
      @PathVariable String uuid,
      @PathVariable long id,
      @RequestParam(defaultValue = "0") long after,
      @RequestParam(defaultValue = "500") int limit) {
    Device device = access.requireOwnDevice(who, uuid);
    boolean ownFleet = releases.find(id).filter(r -> r.fleetId() == device.fleetId()).isPresent();
    if (!ownFleet) {
      throw new ApiException(
          ErrorCode.RELEASE_NOT_FOUND,
          "Release "
              + id
              + " is not a release of the fleet of device "
              + uuid
              + "; take the id from the device's target state");
    }
    int pageSize = Math.max(1, Math.min(limit, MAX_PAGE));
    return releases.logs(id, after, pageSize).stream().map(ReleaseBodies::of).toList();
  }
}
