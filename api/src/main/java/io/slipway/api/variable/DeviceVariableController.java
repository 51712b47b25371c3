package io.slipway.api.variable;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.device.Device;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Device variables. For people: {@code GET /api/v1/devices/{uuid}/variables} and {@code
 * GET|PUT|DELETE .../variables/{name}} with optional {@code ?service=}; reading takes {@code
 * FLEET_READ}, writing {@code VARIABLE_WRITE}. For the device itself, with its key: {@code GET
 * /device/v1/{uuid}/variables}, its effective variables after overrides.
 */
@RestController
public class DeviceVariableController {

  private final AccessControl access;
  private final VariableService service;
  private final VariableRepository variables;
  private final FleetRepository fleets;

  public DeviceVariableController(
      AccessControl access,
      VariableService service,
      VariableRepository variables,
      FleetRepository fleets) {
    this.access = access;
    this.service = service;
    this.variables = variables;
    this.fleets = fleets;
  }

  /** Body of {@code PUT}. */
  record VariableValueBody(String value) {}

  /**
   * The effective variables of a device: its agent configuration, the environment every service
   * gets, and the environment of each service that has variables of its own.
   */
  record EffectiveView(
      Map<String, String> config,
      Map<String, String> environment,
      Map<String, Map<String, String>> services) {}

  @GetMapping("/api/v1/devices/{uuid}/variables")
  List<VariableView> list(
      Identity who,
      @PathVariable String uuid,
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String kind) {
    Device device = access.requireDevice(who, uuid, Permission.FLEET_READ);
    return this.service.listDevice(device, VariableService.Selector.of(service, kind)).stream()
        .map(VariableView::of)
        .toList();
  }

  @GetMapping("/api/v1/devices/{uuid}/variables/{name}")
  VariableView get(
      Identity who,
      @PathVariable String uuid,
      @PathVariable String name,
      @RequestParam(required = false) String service) {
    Device device = access.requireDevice(who, uuid, Permission.FLEET_READ);
    return VariableView.of(
        this.service.getDevice(device, name, VariableService.Selector.of(service, null)));
  }

  @PutMapping("/api/v1/devices/{uuid}/variables/{name}")
  ResponseEntity<VariableView> put(
      Identity who,
      @PathVariable String uuid,
      @PathVariable String name,
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String kind,
      @RequestBody VariableValueBody body) {
    Device device = access.requireDevice(who, uuid, Permission.VARIABLE_WRITE);
    VariableService.Selector selector = VariableService.Selector.of(service, kind);
    boolean created =
        this.service.putDevice(who, device, organizationOf(device), name, selector, body.value());
    Variable stored = this.service.getDevice(device, name, selector);
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
        .body(VariableView.of(stored));
  }

  @DeleteMapping("/api/v1/devices/{uuid}/variables/{name}")
  ResponseEntity<Void> delete(
      Identity who,
      @PathVariable String uuid,
      @PathVariable String name,
      @RequestParam(required = false) String service) {
    Device device = access.requireDevice(who, uuid, Permission.VARIABLE_WRITE);
    this.service.deleteDevice(
        who, device, organizationOf(device), name, VariableService.Selector.of(service, null));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/device/v1/{uuid}/variables")
  EffectiveView effective(Identity who, @PathVariable String uuid) {
    Device device = access.requireOwnDevice(who, uuid);
    List<Variable> stored = variables.findForDevice(device.fleetId(), device.id());
    EffectiveVariables effective = new EffectiveVariables(stored);
    TreeSet<String> services = new TreeSet<>();
    stored.stream().map(Variable::service).filter(s -> !s.isEmpty()).forEach(services::add);
    return new EffectiveView(
        effective.config(), effective.environmentOf(""), effective.environmentByService(services));
  }

  private long organizationOf(Device device) {
    return fleets.findById(device.fleetId()).map(Fleet::organizationId).orElse(0L);
  }
}
