package io.slipway.api.control.support;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Support access for people: {@code POST|GET|DELETE
 * /api/v1/orgs/{org}/fleets/{fleet}/support-access}. All take {@code FLEET_MANAGE}; granting takes
 * it through membership, so a server administrator who is not an owner cannot grant access to
 * themselves.
 */
@RestController
class SupportAccessController {

  private static final String PATH = "/api/v1/orgs/{org}/fleets/{fleet}/support-access";

  private final AccessControl access;
  private final SupportAccessService service;
  private final Clock clock;

  SupportAccessController(AccessControl access, SupportAccessService service, Clock clock) {
    this.access = access;
    this.service = service;
    this.clock = clock;
  }

  /** Body of {@code POST}: how long the grant lasts, as an ISO-8601 duration. */
  record GrantRequest(@JsonProperty("for") String duration) {}

  /**
   * A grant as returned; times are milliseconds since the epoch.
   *
   * @param active whether it lets administrators in now
   */
  record GrantView(
      long id,
      String grantedBy,
      long grantedAt,
      long expiresAt,
      String revokedBy,
      Long revokedAt,
      boolean active) {}

  @PostMapping(PATH)
  ResponseEntity<GrantView> grant(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody GrantRequest body) {
    Fleet found = access.requireFleetAsMember(who, org, fleet, Permission.FLEET_MANAGE);
    SupportGrant grant = service.grant(who, found, body.duration());
    return ResponseEntity.status(HttpStatus.CREATED).body(view(grant, clock.millis()));
  }

  @GetMapping(PATH)
  List<GrantView> list(Identity who, @PathVariable String org, @PathVariable String fleet) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_MANAGE);
    long now = clock.millis();
    return service.recent(found).stream().map(grant -> view(grant, now)).toList();
  }

  @DeleteMapping(PATH)
  ResponseEntity<Void> revoke(Identity who, @PathVariable String org, @PathVariable String fleet) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_MANAGE);
    service.revokeAll(who, found);
    return ResponseEntity.noContent().build();
  }

  private static GrantView view(SupportGrant grant, long now) {
    return new GrantView(
        grant.id(),
        grant.grantedBy(),
        grant.grantedAt(),
        grant.expiresAt(),
        grant.revokedBy(),
        grant.revokedAt(),
        grant.openAt(now));
  }
}
