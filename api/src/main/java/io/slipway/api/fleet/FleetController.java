package io.slipway.api.fleet;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.identity.Identity;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fleets of an organization: {@code GET|POST /api/v1/orgs/{org}/fleets} and {@code GET|PATCH|DELETE
 * /api/v1/orgs/{org}/fleets/{fleet}}. Reading takes {@code FLEET_READ}, changing takes {@code
 * FLEET_MANAGE}.
 */
@RestController
@RequestMapping("/api/v1/orgs/{org}/fleets")
public class FleetController {

  private final AccessControl access;
  private final FleetService service;
  private final DeviceTypeCatalog deviceTypes;

  public FleetController(
      AccessControl access, FleetService service, DeviceTypeCatalog deviceTypes) {
    this.access = access;
    this.service = service;
    this.deviceTypes = deviceTypes;
  }

  /** Body of {@code POST}: slug and device type are required. */
  record CreateFleet(String slug, String name, String deviceType, Boolean requiresApproval) {}

  /**
   * Body of {@code PATCH}: absent fields stay as they are. {@code deviceTypes} lists the device
   * types releases are built for, the fleet's own included; {@code deployBranch} names the git
   * branch whose pushes build a release.
   */
  record PatchFleet(
      String name,
      String deviceType,
      Boolean requiresApproval,
      List<String> deviceTypes,
      String deployBranch) {}

  @GetMapping
  List<FleetView> list(Identity who, @PathVariable String org) {
    AccessControl.OrganizationAccess organization =
        access.requireOrganization(who, org, Permission.FLEET_READ);
    return service.list(organization.organization()).stream().map(this::view).toList();
  }

  @PostMapping
  ResponseEntity<FleetView> create(
      Identity who, @PathVariable String org, @RequestBody CreateFleet body) {
    AccessControl.OrganizationAccess organization =
        access.requireOrganization(who, org, Permission.FLEET_MANAGE);
    Fleet fleet =
        service.create(
            who,
            organization.organization(),
            body.slug(),
            body.name(),
            body.deviceType(),
            Boolean.TRUE.equals(body.requiresApproval()));
    return ResponseEntity.status(HttpStatus.CREATED).body(view(fleet));
  }

  @GetMapping("/{fleet}")
  FleetView get(Identity who, @PathVariable String org, @PathVariable String fleet) {
    return view(access.requireFleet(who, org, fleet, Permission.FLEET_READ));
  }

  @PatchMapping("/{fleet}")
  FleetView update(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody PatchFleet body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_MANAGE);
    FleetService.FleetChange change =
        new FleetService.FleetChange(
            body.name(),
            body.deviceType(),
            body.requiresApproval(),
            body.deviceTypes(),
            body.deployBranch());
    return view(service.update(who, found, change));
  }

  @DeleteMapping("/{fleet}")
  ResponseEntity<Void> delete(Identity who, @PathVariable String org, @PathVariable String fleet) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_MANAGE);
    service.delete(who, found);
    return ResponseEntity.noContent().build();
  }

  private FleetView view(Fleet fleet) {
    return FleetView.of(fleet, deviceTypes);
  }
}
