package io.slipway.api.variable;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fleet and service variables: {@code GET /api/v1/orgs/{org}/fleets/{fleet}/variables} and {@code
 * GET|PUT|DELETE .../variables/{name}}, each with optional {@code ?service=} (one service's
 * variables) and {@code ?kind=ENV|CONFIG}. Reading takes {@code FLEET_READ}, writing {@code
 * VARIABLE_WRITE}.
 */
@RestController
@RequestMapping("/api/v1/orgs/{org}/fleets/{fleet}/variables")
public class FleetVariableController {

  private final AccessControl access;
  private final VariableService service;

  public FleetVariableController(AccessControl access, VariableService service) {
    this.access = access;
    this.service = service;
  }

  /** Body of {@code PUT}. */
  record VariableValueBody(String value) {}

  @GetMapping
  List<VariableView> list(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String kind) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_READ);
    return this.service.listFleet(found, VariableService.Selector.of(service, kind)).stream()
        .map(VariableView::of)
        .toList();
  }

  @GetMapping("/{name}")
  VariableView get(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @PathVariable String name,
      @RequestParam(required = false) String service) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_READ);
    return VariableView.of(
        this.service.getFleet(found, name, VariableService.Selector.of(service, null)));
  }

  @PutMapping("/{name}")
  ResponseEntity<VariableView> put(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @PathVariable String name,
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String kind,
      @RequestBody VariableValueBody body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.VARIABLE_WRITE);
    VariableService.Selector selector = VariableService.Selector.of(service, kind);
    boolean created = this.service.putFleet(who, found, name, selector, body.value());
    Variable stored = this.service.getFleet(found, name, selector);
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
        .body(VariableView.of(stored));
  }

  @DeleteMapping("/{name}")
  ResponseEntity<Void> delete(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @PathVariable String name,
      @RequestParam(required = false) String service) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.VARIABLE_WRITE);
    this.service.deleteFleet(who, found, name, VariableService.Selector.of(service, null));
    return ResponseEntity.noContent().build();
  }
}
