package io.slipway.api.control.channel;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The control channel's switches for people: {@code GET|PUT
 * /api/v1/orgs/{org}/fleets/{fleet}/control-channel} (reading takes {@code FLEET_READ}, changing
 * {@code FLEET_MANAGE}) and {@code GET|PUT /api/v1/devices/{uuid}/control-channel} (reading takes
 * {@code FLEET_READ}, changing {@code DEVICE_CONTROL}).
 */
@RestController
class ChannelController {

  private final AccessControl access;
  private final ChannelSettings settings;
  private final ObjectProvider<ControlLink> link;
  private final DeviceConnections connections;
  private final Clock clock;

  ChannelController(
      AccessControl access,
      ChannelSettings settings,
      ObjectProvider<ControlLink> link,
      DeviceConnections connections,
      Clock clock) {
    this.access = access;
    this.settings = settings;
    this.link = link;
    this.connections = connections;
    this.clock = clock;
  }

  /** Body and response of the fleet endpoints. */
  record FleetChannel(Boolean enabled) {}

  /**
   * Body of {@code PUT} on a device: {@code enabled} null follows the fleet; {@code for} is an
   * ISO-8601 duration after which the device follows its fleet again.
   */
  record DeviceChannelChange(Boolean enabled, @JsonProperty("for") String duration) {}

  /**
   * A device's channel state.
   *
   * @param enabled the effective state
   * @param setting {@code on}, {@code off} or {@code fleet}
   * @param until when the device's setting lapses, milliseconds since the epoch, or null
   * @param fleetEnabled the fleet's setting
   * @param connected whether the device is connected, as {@link DeviceConnections} decides for
   *     commands too; null when the server runs no channel
   */
  record DeviceChannelView(
      boolean enabled, String setting, Long until, boolean fleetEnabled, Boolean connected) {}

  @GetMapping("/api/v1/orgs/{org}/fleets/{fleet}/control-channel")
  FleetChannel getFleet(Identity who, @PathVariable String org, @PathVariable String fleet) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_READ);
    return new FleetChannel(settings.fleetEnabled(found));
  }

  @PutMapping("/api/v1/orgs/{org}/fleets/{fleet}/control-channel")
  FleetChannel putFleet(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody FleetChannel body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.FLEET_MANAGE);
    if (body.enabled() == null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "The body needs 'enabled': send {\"enabled\": true} or {\"enabled\": false} for fleet "
              + found.repositoryPrefix());
    }
    if (body.enabled()) {
      // Switching on opens a way into the fleet's devices, so an administrator who is not an
      // owner needs support access; switching off only cuts access.
      access.requireFleet(who, org, fleet, Permission.DEVICE_CONTROL);
    }
    settings.setFleet(who, found, body.enabled());
    return new FleetChannel(settings.fleetEnabled(found));
  }

  @GetMapping("/api/v1/devices/{uuid}/control-channel")
  DeviceChannelView getDevice(Identity who, @PathVariable String uuid) {
    Device device = access.requireDevice(who, uuid, Permission.FLEET_READ);
    return view(device);
  }

  @PutMapping("/api/v1/devices/{uuid}/control-channel")
  DeviceChannelView putDevice(
      Identity who, @PathVariable String uuid, @RequestBody DeviceChannelChange body) {
    Device device = access.requireDevice(who, uuid, permissionToSet(who, body.enabled()));
    settings.setDevice(who, device, body.enabled(), body.duration());
    return view(device);
  }

  /**
   * Returns the permission that changing a device's setting to {@code enabled} needs. Members need
   * {@link Permission#DEVICE_CONTROL} for every change. A server administrator may switch the
   * channel off without support access, because that only cuts access, and needs it for the rest,
   * which may turn the channel on.
   */
  private static Permission permissionToSet(Identity who, Boolean enabled) {
    if (who.serverAdmin() && Boolean.FALSE.equals(enabled)) {
      return Permission.DEVICE_MANAGE;
    }
    return Permission.DEVICE_CONTROL;
  }

  private DeviceChannelView view(Device device) {
    long now = clock.millis();
    ChannelSetting setting = settings.settingOf(device);
    ControlLink available = settings.serverEnabled() ? link.getIfAvailable() : null;
    return new DeviceChannelView(
        setting.effective(settings.serverEnabled(), now),
        setting.settingName(now),
        setting.overrideActive(now) ? setting.until() : null,
        setting.fleetEnabled(),
        available == null ? null : connections.isConnected(available, device.uuid()));
  }
}
