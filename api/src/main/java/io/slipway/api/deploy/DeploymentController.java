package io.slipway.api.deploy;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.ReleaseBodies;
import io.slipway.api.release.ReleaseBodies.ReleaseBody;
import io.slipway.api.release.ReleaseView;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/orgs/{org}/fleets/{fleet}/deployments}: creates a release from prebuilt
 * images (see {@link DeploymentRequest}). Takes {@code RELEASE_CREATE}. Answers {@code 201 Created}
 * with the release as {@code GET /api/v1/releases/{id}} shows it, and its {@code Location}. The
 * release's status shows whether the steps after the checks succeeded. A failed check returns its
 * error and creates nothing.
 */
@RestController
class DeploymentController {

  private final AccessControl access;
  private final DeploymentService deployments;

  DeploymentController(AccessControl access, DeploymentService deployments) {
    this.access = access;
    this.deployments = deployments;
  }

  @PostMapping("/api/v1/orgs/{org}/fleets/{fleet}/deployments")
  ResponseEntity<ReleaseBody> deploy(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestHeader(name = HttpHeaders.HOST, required = false) String host,
      @RequestBody(required = false) DeploymentRequest body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.RELEASE_CREATE);
    if (body == null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Send a JSON body with 'services' (each service's image) or 'tag'");
    }
    ReleaseView view = deployments.deploy(who, found, body, host);
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/releases/" + view.release().id()))
        .body(ReleaseBodies.of(found.repositoryPrefix(), view));
  }
}
