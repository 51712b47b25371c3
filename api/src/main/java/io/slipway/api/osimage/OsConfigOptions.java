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
   * The maximum lifetime of a provisioning key in a config or image: 3650 days (about ten years),
   * long enough for images flashed in a factory and stored, short enough that a leaked image stops
   * registering devices on its own.
   */
  public static final Duration MAX_KEY_EXPIRY = Duration.ofDays(3650);

  /**
   * @throws ApiException {@code INVALID_OS_CONFIG} for a non-positive expiry or device count, or an
   *     expiry longer than {@link #MAX_KEY_EXPIRY}
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
    if (keyExpiresIn != null && keyExpiresIn.compareTo(MAX_KEY_EXPIRY) > 0) {
      throw new ApiException(
          ErrorCode.INVALID_OS_CONFIG,
          "keyExpiresIn is "
              + inDays(keyExpiresIn)
              + ", longer than the maximum of "
              + inDays(MAX_KEY_EXPIRY)
              + ": give a shorter ISO-8601 duration, or leave it out for the server's default");
    }
    if (maxDevices != null && maxDevices < 1) {
      throw new ApiException(
          ErrorCode.INVALID_OS_CONFIG,
          "maxDevices is " + maxDevices + ": use 1 or more, or leave it out for no limit");
    }
  }

  /**
   * Formats {@code duration} as ISO-8601 in days when it is whole days, such as {@code P3650D},
   * because {@link Duration#toString()} counts them in hours.
   */
  private static String inDays(Duration duration) {
    if (duration.toSeconds() % Duration.ofDays(1).toSeconds() == 0) {
      return "P" + duration.toDays() + "D";
    }
    return duration.toString();
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
