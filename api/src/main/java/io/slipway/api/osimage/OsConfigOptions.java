package io.slipway.api.osimage;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.osimage.config.NetworkSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The checked options of a fleet's config.json and of the provisioning key in it. Immutable.
 *
 * @param version the OS version asked for, or null for the newest
 * @param network network settings for the device's first boot; {@link NetworkSettings#NONE} for
 *     none
 * @param sshKeys whether to write the calling user's SSH public keys into it
 * @param developmentMode the device's development mode
 * @param persistentLogging whether the device keeps its logs across reboots
 * @param pollIntervalSeconds the poll interval, or null for {@code slipway.os-images.poll-interval}
 * @param keyExpiresIn how long the provisioning key registers devices, or null for {@code
 *     slipway.os-images.key-expiry}
 * @param maxDevices how many devices the key registers, or null for no limit
 */
public record OsConfigOptions(
    OsVersion version,
    NetworkSettings network,
    boolean sshKeys,
    boolean developmentMode,
    boolean persistentLogging,
    Integer pollIntervalSeconds,
    Duration keyExpiresIn,
    Long maxDevices) {

  /**
   * @throws ApiException {@code INVALID_OS_CONFIG} for a non-positive expiry or device count
   */
  public OsConfigOptions {
    network = network == null ? NetworkSettings.NONE : network;
    if (keyExpiresIn != null && (keyExpiresIn.isNegative() || keyExpiresIn.isZero())) {
      throw new ApiException(
          ErrorCode.INVALID_OS_CONFIG,
          "keyExpiresIn is "
              + keyExpiresIn
              + ": give a positive ISO-8601 duration such as P30D, or leave it out for the"
              + " server's default");
    }
    if (maxDevices != null && maxDevices < 1) {
      throw new ApiException(
          ErrorCode.INVALID_OS_CONFIG,
          "maxDevices is " + maxDevices + ": use 1 or more, or leave it out for no limit");
    }
  }

  /**
   * Parses an ISO-8601 duration such as {@code P30D} or {@code PT12H}; null stays null.
   *
   * @throws ApiException {@code INVALID_OS_CONFIG} naming the value
   */
  static Duration parseDuration(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new ApiException(
          ErrorCode.INVALID_OS_CONFIG,
          "keyExpiresIn is '"
              + text
              + "': give an ISO-8601 duration such as P30D (30 days) or PT12H (12 hours)");
    }
  }
}
