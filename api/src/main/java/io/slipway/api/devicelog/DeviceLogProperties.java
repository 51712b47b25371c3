package io.slipway.api.devicelog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Device log settings under {@code slipway.device-logs.*}.
 *
 * @param retainedLines how many of the newest lines are kept per device (10,000 by default). Older
 *     ones are deleted each time a tenth of this number has arrived, so a device may briefly have
 *     up to 10% more.
 * @param maxFollowersPerDevice how many users may follow one device's log at once (50 by default)
 */
@ConfigurationProperties("slipway.device-logs")
public record DeviceLogProperties(
    @DefaultValue("10000") int retainedLines, @DefaultValue("50") int maxFollowersPerDevice) {

  public DeviceLogProperties {
    if (retainedLines < 1) {
      throw new IllegalArgumentException(
          "slipway.device-logs.retained-lines is " + retainedLines + ": set it to 1 or more");
    }
    if (maxFollowersPerDevice < 1) {
      throw new IllegalArgumentException(
          "slipway.device-logs.max-followers-per-device is "
              + maxFollowersPerDevice
              + ": set it to 1 or more");
    }
  }
}
