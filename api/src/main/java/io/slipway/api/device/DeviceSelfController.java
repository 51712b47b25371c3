package io.slipway.api.device;

import io.slipway.api.access.AccessControl;
import io.slipway.api.fleet.DeviceType;
import io.slipway.api.fleet.DeviceTypeCatalog;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A device's view of itself, with its own device key only: {@code GET|PATCH /device/v1/{uuid}} (it
 * may change only its name, OS version, addresses and status) and {@code GET
 * /device/v1/{uuid}/fleet} (its fleet's metadata, nothing about other devices).
 */
@RestController
public class DeviceSelfController {

  private final AccessControl access;
  private final DeviceService service;
  private final DeviceRepository devices;
  private final DeviceTypeCatalog deviceTypes;

  public DeviceSelfController(
      AccessControl access,
      DeviceService service,
      DeviceRepository devices,
      DeviceTypeCatalog deviceTypes) {
    this.access = access;
    this.service = service;
    this.devices = devices;
    this.deviceTypes = deviceTypes;
  }

  /** Fields a device may change about itself; absent fields keep their values. */
  record PatchSelf(String name, String osVersion, List<String> addresses, String status) {}

  /** The device's own record, as returned to the device. */
  record SelfView(
      String uuid,
      String name,
      String deviceType,
      String status,
      String osVersion,
      List<String> addresses,
      long createdAt) {}

  /** The fleet's metadata, as returned to its devices. */
  record DeviceFleetView(
      String org,
      String slug,
      String name,
      String deviceType,
      String architecture,
      String platform) {}

  @GetMapping("/device/v1/{uuid}")
  SelfView get(Identity who, @PathVariable String uuid) {
    return view(access.requireOwnDevice(who, uuid));
  }

  @PatchMapping("/device/v1/{uuid}")
  SelfView update(Identity who, @PathVariable String uuid, @RequestBody PatchSelf body) {
    Device device = access.requireOwnDevice(who, uuid);
    DeviceMetadata change =
        DeviceMetadata.of(body.name(), body.osVersion(), body.addresses(), body.status());
    return view(service.update(who, device, change));
  }

  @GetMapping("/device/v1/{uuid}/fleet")
  DeviceFleetView fleet(Identity who, @PathVariable String uuid) {
    Device device = access.requireOwnDevice(who, uuid);
    Fleet fleet = service.fleetOf(device);
    DeviceType type = deviceTypes.find(fleet.deviceType()).orElse(null);
    return new DeviceFleetView(
        fleet.organizationSlug(),
        fleet.slug(),
        fleet.name(),
        fleet.deviceType(),
        type == null ? null : type.architecture().name(),
        type == null ? null : type.architecture().platform());
  }

  private SelfView view(Device device) {
    return new SelfView(
        device.uuid(),
        device.name(),
        devices.findDeviceType(device.id()).orElse(null),
        device.status(),
        device.osVersion(),
        DeviceMetadata.splitAddresses(device.addresses()),
        device.createdAt());
  }
}
