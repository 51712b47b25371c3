package io.slipway.api.release;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A fleet's target release: members read it; release managers pin the fleet to a release or let it
 * track its latest successful release.
 */
@RestController
class FleetTargetController {

  private final AccessControl access;
  private final PromotionService promotions;
  private final ReleaseRepository releases;

  FleetTargetController(
      AccessControl access, PromotionService promotions, ReleaseRepository releases) {
    this.access = access;
    this.promotions = promotions;
    this.releases = releases;
  }

  /** Body of {@code PUT .../target}: either a release id or {@code trackLatest: true}. */
  record TargetRequest(Long releaseId, Boolean trackLatest) {}

  /**
   * A fleet's target as sent.
   *
   * @param trackLatest true when the fleet follows its latest successful release
   * @param releaseId the pinned release, or null when tracking
   * @param latestReleaseId the fleet's latest successful release that is not invalidated, or null
   * @param targetVersion the fleet's target version counter
   */
  record TargetBody(
      String fleet,
      boolean trackLatest,
      Long releaseId,
      Long latestReleaseId,
      long targetVersion) {}

  @GetMapping("/api/v1/orgs/{org}/fleets/{fleet}/target")
  TargetBody get(Identity who, @PathVariable String org, @PathVariable String fleet) {
    return body(access.requireFleet(who, org, fleet, Permission.FLEET_READ));
  }

  @PutMapping("/api/v1/orgs/{org}/fleets/{fleet}/target")
  TargetBody put(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody TargetRequest body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.RELEASE_PROMOTE);
    boolean track = Boolean.TRUE.equals(body.trackLatest());
    if (track == (body.releaseId() != null)) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Send either {\"releaseId\": <id>} to pin fleet "
              + found.repositoryPrefix()
              + " to a release, or {\"trackLatest\": true} to follow its latest release");
    }
    Fleet changed =
        track
            ? promotions.trackLatest(who, found)
            : promotions.pinFleet(who, found, body.releaseId());
    return body(changed);
  }

  private TargetBody body(Fleet fleet) {
    return new TargetBody(
        fleet.repositoryPrefix(),
        fleet.trackLatest(),
        fleet.targetReleaseId(),
        releases.findLatestDeployable(fleet.id()).orElse(null),
        fleet.targetVersion());
  }
}
