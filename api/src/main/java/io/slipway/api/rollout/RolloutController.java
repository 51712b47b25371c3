package io.slipway.api.rollout;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.rollout.RolloutService.NewRolloutRequest;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Staged rollouts of a fleet. Members with {@link Permission#FLEET_READ} read them; release
 * managers (and owners) with {@link Permission#RELEASE_PROMOTE} create, approve, pause, resume,
 * advance and cancel them. A caller who is not a member of the rollout's organization gets the same
 * {@code 404 ROLLOUT_NOT_FOUND} as for an id that does not exist.
 */
@RestController
class RolloutController {

  private final AccessControl access;
  private final RolloutService service;

  RolloutController(AccessControl access, RolloutService service) {
    this.access = access;
    this.service = service;
  }

  /**
   * Body of {@code POST /api/v1/orgs/{org}/fleets/{fleet}/rollouts}. Absent thresholds, deadline
   * and approval take their defaults: 0.9, 0.1, PT30M and false.
   */
  record CreateRollout(
      Long releaseId,
      List<GroupBody> groups,
      Double successThreshold,
      Double failureThreshold,
      String deadline,
      Boolean requiresApproval) {}

  /** One requested group: {@code {"percentage": 10}} or {@code {"tag": "canary"}}. */
  record GroupBody(Integer percentage, String tag) {}

  /** Body of {@code POST /api/v1/rollouts/{id}/next-group}: the current group. */
  record NextGroup(Integer fromGroup) {}

  @PostMapping("/api/v1/orgs/{org}/fleets/{fleet}/rollouts")
  @ResponseStatus(HttpStatus.CREATED)
  RolloutView create(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody(required = false) CreateRollout body) {
    Fleet target = access.requireFleet(who, org, fleet, Permission.RELEASE_PROMOTE);
    NewRolloutRequest request = parse(body);
    return view(service.create(who, target, request), target);
  }

  @GetMapping("/api/v1/orgs/{org}/fleets/{fleet}/rollouts")
  List<RolloutView> list(Identity who, @PathVariable String org, @PathVariable String fleet) {
    Fleet target = access.requireFleet(who, org, fleet, Permission.FLEET_READ);
    return service.findByFleet(target).stream().map(rollout -> view(rollout, target)).toList();
  }

  @GetMapping("/api/v1/rollouts/{id}")
  RolloutView get(Identity who, @PathVariable long id) {
    Rollout rollout = require(who, id, Permission.FLEET_READ);
    return view(rollout);
  }

  @PostMapping("/api/v1/rollouts/{id}/approve")
  RolloutView approve(Identity who, @PathVariable long id) {
    Rollout rollout = require(who, id, Permission.RELEASE_PROMOTE);
    return view(service.approve(who, rollout));
  }

  @PostMapping("/api/v1/rollouts/{id}/pause")
  RolloutView pause(Identity who, @PathVariable long id) {
    Rollout rollout = require(who, id, Permission.RELEASE_PROMOTE);
    return view(service.pause(who, rollout));
  }

  @PostMapping("/api/v1/rollouts/{id}/resume")
  RolloutView resume(Identity who, @PathVariable long id) {
    Rollout rollout = require(who, id, Permission.RELEASE_PROMOTE);
    return view(service.resume(who, rollout));
  }

  @PostMapping("/api/v1/rollouts/{id}/next-group")
  RolloutView nextGroup(
      Identity who, @PathVariable long id, @RequestBody(required = false) NextGroup body) {
    Rollout rollout = require(who, id, Permission.RELEASE_PROMOTE);
    if (body == null || body.fromGroup() == null) {
      throw new ApiException(
          ErrorCode.INVALID_ROLLOUT,
          "Send {\"fromGroup\": "
              + rollout.currentGroup()
              + "}: the group you see as current, so that a retry never skips a group");
    }
    return view(service.nextGroup(who, rollout, body.fromGroup()));
  }

  @PostMapping("/api/v1/rollouts/{id}/cancel")
  RolloutView cancel(Identity who, @PathVariable long id) {
    Rollout rollout = require(who, id, Permission.RELEASE_PROMOTE);
    return view(service.cancel(who, rollout, "cancelled by " + who.subject()));
  }

  // A caller outside the organization learns nothing about the rollout, not even that it exists.
  private Rollout require(Identity who, long id, Permission permission) {
    access.requireUser(who);
    Rollout rollout = service.find(id).orElseThrow(() -> RolloutService.notFound(id));
    try {
      access.requireFleet(who, rollout.fleetId(), permission);
    } catch (ApiException e) {
      if (ErrorCode.FLEET_NOT_FOUND.name().equals(e.code())) {
        throw RolloutService.notFound(id);
      }
      throw e;
    }
    return rollout;
  }

  private RolloutView view(Rollout rollout) {
    return RolloutView.of(rollout, service.fleetName(rollout), service.groupCounts(rollout));
  }

  private RolloutView view(Rollout rollout, Fleet fleet) {
    return RolloutView.of(rollout, fleet.repositoryPrefix(), service.groupCounts(rollout));
  }

  private static NewRolloutRequest parse(CreateRollout body) {
    if (body == null || body.releaseId() == null) {
      throw invalid("releaseId is missing: send {\"releaseId\": <id>, \"groups\": [...]}");
    }
    try {
      List<RolloutGroupSpec> groups =
          body.groups() == null
              ? List.of()
              : body.groups().stream()
                  .map(
                      group ->
                          group == null
                              ? null
                              : new RolloutGroupSpec(group.percentage(), group.tag()))
                  .toList();
      RolloutPolicy policy =
          new RolloutPolicy(
              orDefault(body.successThreshold(), RolloutPolicy.DEFAULT_SUCCESS_THRESHOLD),
              orDefault(body.failureThreshold(), RolloutPolicy.DEFAULT_FAILURE_THRESHOLD),
              deadline(body.deadline()));
      return new NewRolloutRequest(
          body.releaseId(),
          RolloutGroups.of(groups),
          policy,
          Boolean.TRUE.equals(body.requiresApproval()));
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static double orDefault(Double value, double fallback) {
    return value == null ? fallback : value;
  }

  private static Duration deadline(String text) {
    if (text == null) {
      return RolloutPolicy.DEFAULT_DEADLINE;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "deadline '" + text + "' is not an ISO-8601 duration: write it as, for example, PT30M");
    }
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_ROLLOUT, message);
  }
}
