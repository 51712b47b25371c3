package io.slipway.api.release;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.ReleaseBodies.LogLineBody;
import io.slipway.api.release.ReleaseBodies.ReleaseBody;
import io.slipway.api.release.ReleaseBodies.ServiceBody;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Releases of a fleet for people and their tools: list and create (developers), read (members), set
 * services and finish (developers), read, follow and append build logs, invalidate (release
 * managers). Rules of the release life cycle live in {@link ReleaseService}.
 *
 * <p>{@code PATCH /api/v1/releases/{id}} with status {@code SUCCESS} signs the release before it
 * finishes ({@link ApiReleaseFinisher}). That finish is not one transaction with the change of
 * services: the services are stored first, and when signing fails the release stays {@code RUNNING}
 * with them.
 */
@RestController
class ReleaseController {

  private static final Logger log = LoggerFactory.getLogger(ReleaseController.class);
  private static final int MAX_PAGE = 500;

  private final AccessControl access;
  private final ReleaseService releases;
  private final ApiReleaseFinisher finisher;
  private final PromotionService promotions;
  private final ReleaseLogFollowers followers;

  ReleaseController(
      AccessControl access,
      ReleaseService releases,
      ApiReleaseFinisher finisher,
      PromotionService promotions,
      ReleaseLogFollowers followers) {
    this.access = access;
    this.releases = releases;
    this.finisher = finisher;
    this.promotions = promotions;
    this.followers = followers;
  }

  /** Body of {@code POST .../releases}; every field may be left out. */
  record CreateRelease(String version, String commit, String source) {}

  /**
   * Body of {@code PATCH /api/v1/releases/{id}}: services to set (a null value removes the
   * service), then optionally the final status.
   */
  record ChangeRelease(Map<String, ServiceBody> services, String status) {}

  /** Body of {@code POST /api/v1/releases/{id}/logs}. */
  record AppendLog(List<String> lines) {}

  /** Response of {@code POST /api/v1/releases/{id}/logs}. */
  record Appended(long releaseId, int lines) {}

  @GetMapping("/api/v1/orgs/{org}/fleets/{fleet}/releases")
  List<ReleaseBody> list(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestParam(required = false) Long before,
      @RequestParam(defaultValue = "100") int limit) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_READ);
    long beforeId = before == null ? Long.MAX_VALUE : before;
    return releases.list(found.id(), beforeId, pageSize(limit)).stream()
        .map(release -> ReleaseBodies.of(found.repositoryPrefix(), release, null))
        .toList();
  }

  @PostMapping("/api/v1/orgs/{org}/fleets/{fleet}/releases")
  @ResponseStatus(HttpStatus.CREATED)
  ReleaseBody create(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody(required = false) CreateRelease body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.RELEASE_CREATE);
    CreateRelease request = body == null ? new CreateRelease(null, null, null) : body;
    Release release = releases.create(who, found, newRelease(request));
    return ReleaseBodies.of(found.repositoryPrefix(), release, List.of());
  }

  @GetMapping("/api/v1/releases/{id}")
  ReleaseBody get(Identity who, @PathVariable long id) {
    Fleet fleet = requireReleaseFleet(who, id, Permission.FLEET_READ);
    ReleaseView view = releases.view(id);
    return ReleaseBodies.of(fleet.repositoryPrefix(), view);
  }

  @PatchMapping("/api/v1/releases/{id}")
  ReleaseBody change(Identity who, @PathVariable long id, @RequestBody ChangeRelease body) {
    Fleet fleet = requireReleaseFleet(who, id, Permission.RELEASE_CREATE);
    List<ReleaseServiceImage> put = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    if (body.services() != null) {
      body.services()
          .forEach(
              (name, service) -> {
                if (service == null) {
                  removed.add(serviceName(name));
                } else {
                  put.add(serviceImage(name, service));
                }
              });
    }
    ReleaseStatus status = body.status() == null ? null : finalStatus(body.status());

    ReleaseView view = serialized(id, () -> finisher.change(who, id, put, removed, status));
    return ReleaseBodies.of(fleet.repositoryPrefix(), view);
  }

  @GetMapping("/api/v1/releases/{id}/logs")
  List<LogLineBody> logs(
      Identity who,
      @PathVariable long id,
      @RequestParam(defaultValue = "0") long after,
      @RequestParam(defaultValue = "500") int limit) {
    requireReleaseFleet(who, id, Permission.FLEET_READ);
    return releases.logs(id, after, pageSize(limit)).stream().map(ReleaseBodies::of).toList();
  }

  /**
   * Follows the build log as server-sent events: {@code log} events with each line, then one {@code
   * end} event with the final status. Resumes after {@code Last-Event-ID}, or after {@code after}.
   */
  @GetMapping(
      value = "/api/v1/releases/{id}/logs/stream",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter follow(
      Identity who,
      @PathVariable long id,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @RequestParam(defaultValue = "0") long after) {
    requireReleaseFleet(who, id, Permission.FLEET_READ);
    long afterId = lastEventId == null ? after : lineId(lastEventId);
    return followers.follow(id, Math.max(0, afterId));
  }

  private static long lineId(String lastEventId) {
    try {
      return Long.parseLong(lastEventId.strip());
    } catch (NumberFormatException e) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "Header Last-Event-ID is '"
              + lastEventId
              + "', not a log line id; send the id of the last event received");
    }
  }

  @PostMapping("/api/v1/releases/{id}/logs")
  Appended appendLogs(Identity who, @PathVariable long id, @RequestBody AppendLog body) {
    requireReleaseFleet(who, id, Permission.RELEASE_CREATE);
    List<String> lines = body.lines() == null ? List.of() : body.lines();
    serialized(
        id,
        () -> {
          releases.appendLog(id, lines);
          return null;
        });
    return new Appended(id, lines.size());
  }

  @PostMapping("/api/v1/releases/{id}/invalidate")
  ReleaseBody invalidate(Identity who, @PathVariable long id) {
    Fleet fleet = requireReleaseFleet(who, id, Permission.RELEASE_PROMOTE);
    Release release = promotions.invalidate(who, releases.require(id));
    return ReleaseBodies.of(fleet.repositoryPrefix(), release, null);
  }

  /**
   * Checks {@code permission} on the fleet of release {@code id}. A caller outside its organization
   * gets the same {@code RELEASE_NOT_FOUND} as for an id that does not exist.
   */
  private Fleet requireReleaseFleet(Identity who, long id, Permission permission) {
    access.requireUser(who);
    Release release = releases.require(id);
    try {
      return access.requireFleet(who, release.fleetId(), permission);
    } catch (ApiException e) {
      if (ErrorCode.FLEET_NOT_FOUND.name().equals(e.code())) {
        throw ReleaseService.notFound(id);
      }
      throw e;
    }
  }

  /**
   * Runs a change of release {@code id}. When the database gives up waiting for the lock that
   * another change of the same release holds (H2 gives up after its lock timeout), the caller gets
   * {@code CONFLICT} and may retry.
   */
  private static <T> T serialized(long id, Supplier<T> change) {
    try {
      return change.get();
    } catch (PessimisticLockingFailureException e) {
      log.warn("Change of release {} lost a lock race: {}", id, e.getMessage());
      throw new ApiException(
          ErrorCode.CONFLICT,
          "Release " + id + " is being changed by another request; retry in a moment");
    }
  }

  private static NewRelease newRelease(CreateRelease request) {
    ReleaseSource source = ReleaseSource.API;
    if (request.source() != null) {
      source = parse(ReleaseSource.class, request.source(), "source");
    }
    SemanticVersion version = null;
    if (request.version() != null) {
      try {
        version = new SemanticVersion(request.version());
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_VERSION, e.getMessage());
      }
    }
    try {
      return new NewRelease(source, request.commit(), version);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST_BODY, e.getMessage());
    }
  }

  private static ReleaseServiceImage serviceImage(String name, ServiceBody body) {
    ImageReference image = null;
    if (body.image() != null) {
      try {
        image = ImageReference.parse(body.image());
      } catch (IllegalArgumentException e) {
        throw new ApiException(
            ErrorCode.INVALID_IMAGE_REFERENCE, "Service '" + name + "': " + e.getMessage());
      }
    }
    try {
      return new ReleaseServiceImage(
          name, image, body.environment(), body.labels(), body.configuration());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_SERVICE, e.getMessage());
    }
  }

  private static String serviceName(String name) {
    try {
      return ReleaseServiceImage.requireServiceName(name);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_SERVICE, e.getMessage());
    }
  }

  private static ReleaseStatus finalStatus(String text) {
    ReleaseStatus status = parse(ReleaseStatus.class, text, "status");
    if (!status.isFinal()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Status '" + text + "' cannot be set; send SUCCESS or FAILED to finish the release");
    }
    return status;
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String text, String field) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Field '"
              + field
              + "' has the unknown value '"
              + text
              + "': send one of "
              + List.of(type.getEnumConstants()));
    }
  }

  private static int pageSize(int limit) {
    return Math.max(1, Math.min(limit, MAX_PAGE));
  }
}
