package io.slipway.api.control.channel;

/**
 * The stored switches that decide whether the control channel is open to one device. Immutable.
 *
 * @param deviceOverride the device's own setting, or null when it follows its fleet
 * @param until when the device's own setting lapses, milliseconds since the epoch, or null for
 *     never
 * @param fleetEnabled the fleet's setting
 */
public record ChannelSetting(Boolean deviceOverride, Long until, boolean fleetEnabled) {

  /** Returns whether the device's own setting still applies at {@code now} (milliseconds). */
  public boolean overrideActive(long now) {
    return deviceOverride != null && (until == null || until >= now);
  }

  /**
   * Returns the effective state at {@code now}: off whenever the server runs no channel, else the
   * device's own setting while it applies, else the fleet's.
   */
  public boolean effective(boolean serverEnabled, long now) {
    if (!serverEnabled) {
      return false;
    }
    return overrideActive(now) ? deviceOverride : fleetEnabled;
  }

  /** Returns {@code on}, {@code off} or {@code fleet}, the device's setting as the API shows it. */
  public String settingName(long now) {
    if (!overrideActive(now)) {
      return "fleet";
    }
    return deviceOverride ? "on" : "off";
  }
}
