package io.slipway.api.fleet;

import java.util.Objects;

/**
 * A kind of board that devices and fleets are declared as, such as {@code raspberrypi4-64}.
 *
 * @param slug the stable identifier used in APIs and the database
 * @param name the display name
 * @param architecture the CPU architecture of its operating system
 */
public record DeviceType(String slug, String name, Architecture architecture) {

  public DeviceType {
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(architecture, "architecture");
  }

  /**
   * Returns true when a device of this type may join a fleet of {@code fleetType}: its architecture
   * runs the images built for the fleet's.
   */
  public boolean canJoinFleetOf(DeviceType fleetType) {
    return architecture.canRun(fleetType.architecture());
  }
}
