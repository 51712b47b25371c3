package io.slipway.api.device;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Devices for people: {@code GET /api/v1/orgs/{org}/fleets/{fleet}/devices}, {@code
 * GET|PATCH|DELETE /api/v1/devices/{uuid}}, {@code POST /api/v1/devices/{uuid}/approve} and {@code
 * PUT|DELETE /api/v1/devices/{uuid}/tags/{tag}} and {@code DELETE /api/v1/devices/{uuid}/key}.
 * Reading takes {@code FLEET_READ}; renaming, tagging, deleting and revoking the key take {@code
 * DEVICE_MANAGE}; approving takes {@code DEVICE_APPROVE}.
 */
@RestController
public class DeviceController {

  private final AccessControl access;
  private final DeviceService service;
  private final DeviceRepository devices;
  private final DeviceTagRepository tags;

  public DeviceController(
      AccessControl access,
      DeviceService service,
      DeviceRepository devices,
      DeviceTagRepository tags) {
    this.access = access;
    this.service = service;
    this.devices = devices;
    this.tags = tags;
  }

  /** Body of {@code PATCH}: people may rename a device. */
  record RenameDevice(String name) {}

  /** Body of {@code PUT .../tags/{tag}}; the value may be left out. */
  record TagValue(String value) {}

  @GetMapping("/api/v1/orgs/{org}/fleets/{fleet}/devices")
  List<DeviceView> list(Identity who, @PathVariable String org, @PathVariable String fleet) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_READ);
    // Three queries for the whole fleet rather than two per device.
    Map<Long, String> types = devices.findDeviceTypesByFleet(found.id());
    Map<Long, Map<String, String>> tagsByDevice = tags.findByFleet(found.id());
    return devices.findByFleet(found.id()).stream()
        .map(
            device ->
                view(
                    device,
                    found,
                    types.get(device.id()),
                    tagsByDevice.getOrDefault(device.id(), Map.of())))
        .toList();
  }

  @GetMapping("/api/v1/devices/{uuid}")
  DeviceView get(Identity who, @PathVariable String uuid) {
    Device device = access.requireDevice(who, uuid, Permission.FLEET_READ);
    return view(device, service.fleetOf(device));
  }

  @PatchMapping("/api/v1/devices/{uuid}")
  DeviceView rename(Identity who, @PathVariable String uuid, @RequestBody RenameDevice body) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_MANAGE);
    Device updated = service.update(who, device, DeviceMetadata.of(body.name(), null, null, null));
    return view(updated, service.fleetOf(updated));
  }

  @DeleteMapping("/api/v1/devices/{uuid}")
  ResponseEntity<Void> delete(Identity who, @PathVariable String uuid) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_MANAGE);
    service.delete(who, device);
    return ResponseEntity.noContent().build();
  }

  @DeleteMapping("/api/v1/devices/{uuid}/key")
  ResponseEntity<Void> revokeKey(Identity who, @PathVariable String uuid) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_MANAGE);
    service.revokeKey(who, device);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/api/v1/devices/{uuid}/approve")
  DeviceView approve(Identity who, @PathVariable String uuid) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_APPROVE);
    Device approved = service.approve(who, device);
    return view(approved, service.fleetOf(approved));
  }

  @PutMapping("/api/v1/devices/{uuid}/tags/{tag}")
  DeviceView putTag(
      Identity who,
      @PathVariable String uuid,
      @PathVariable String tag,
      @RequestBody(required = false) TagValue body) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_MANAGE);
    service.putTag(who, device, tag, body == null ? null : body.value());
    return view(device, service.fleetOf(device));
  }

  @DeleteMapping("/api/v1/devices/{uuid}/tags/{tag}")
  ResponseEntity<Void> deleteTag(
      Identity who, @PathVariable String uuid, @PathVariable String tag) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_MANAGE);
    service.deleteTag(who, device, tag);
    return ResponseEntity.noContent().build();
  }

  private DeviceView view(Device device, Fleet fleet) {
    return view(
        device,
        fleet,
        devices.findDeviceType(device.id()).orElse(null),
        tags.findByDevice(device.id()));
  }

  private static DeviceView view(
      Device device, Fleet fleet, String deviceType, Map<String, String> deviceTags) {
    return new DeviceView(
        device.uuid(),
        device.name(),
        fleet.organizationSlug(),
        fleet.slug(),
        deviceType,
        device.approved(),
        device.status(),
        device.osVersion(),
        DeviceMetadata.splitAddresses(device.addresses()),
        device.pinnedReleaseId(),
        deviceTags,
        device.createdAt(),
        device.lastSeenAt());
  }
}
