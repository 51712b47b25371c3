package io.slipway.api.build;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseBodies;
import io.slipway.api.release.ReleaseBodies.ReleaseBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/orgs/{org}/fleets/{fleet}/builds}: builds a release from source. The body is
 * the project directory as a tar stream ({@code application/x-tar}) or a gzip-compressed one
 * ({@code application/gzip}), up to {@code slipway.builder.max-source-size}. The response is {@code
 * 202 Accepted} with the running release and its {@code Location}; its build log and final status
 * follow at {@code /api/v1/releases/{id}/logs} and {@code /api/v1/releases/{id}}. Takes {@code
 * RELEASE_CREATE}.
 */
@RestController
class BuildController {

  private final AccessControl access;
  private final BuildService builds;

  BuildController(AccessControl access, BuildService builds) {
    this.access = access;
    this.builds = builds;
  }

  @PostMapping("/api/v1/orgs/{org}/fleets/{fleet}/builds")
  ResponseEntity<ReleaseBody> start(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestParam(required = false) String commit,
      @RequestParam(required = false) String version,
      @RequestParam(required = false) String engine,
      @RequestParam(required = false) String noCache,
      HttpServletRequest request)
      throws IOException {
    // Access first, before the body is read or its type looked at.
    Fleet found = access.requireFleet(who, org, fleet, Permission.RELEASE_CREATE);
    BuildService.BuildParameters parameters =
        new BuildService.BuildParameters(commit, version, engine, flag("noCache", noCache));
    BuildService.Upload upload =
        new BuildService.Upload(
            request.getInputStream(), request.getContentType(), request.getContentLengthLong());

    Release release = builds.start(who, found, parameters, upload);
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/api/v1/releases/" + release.id()))
        .body(ReleaseBodies.of(found.repositoryPrefix(), release, List.of()));
  }

  private static boolean flag(String name, String value) {
    if (value == null) {
      return false;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "", "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new ApiException(
              ErrorCode.INVALID_PARAMETER,
              "Query parameter '" + name + "' is '" + value + "': use true or false");
    };
  }
}
