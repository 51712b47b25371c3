package io.slipway.api.osimage;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.config.NetworkSettings;
import io.slipway.osimage.config.WifiNetwork;
import java.util.List;

/**
 * The JSON body of {@code POST .../os-config}; every field may be left out.
 *
 * @param version the OS version the config is meant for, recorded in the audit log
 * @param network network settings for the device's first boot
 * @param sshKeys true to write the calling user's SSH public keys into config.json
 * @param developmentMode the device's development mode
 * @param persistentLogging whether the device keeps its logs across reboots
 * @param pollIntervalSeconds how often the device requests its target state, 10 to 86400
 * @param keyExpiresIn how long the provisioning key registers devices, as an ISO-8601 duration such
 *     as {@code P30D}
 * @param maxDevices how many devices the provisioning key registers at most
 */
record OsConfigBody(
    String version,
    NetworkBody network,
    Boolean sshKeys,
    Boolean developmentMode,
    Boolean persistentLogging,
    Integer pollIntervalSeconds,
    String keyExpiresIn,
    Long maxDevices) {

  /** An empty body: every option at its default. */
  static final OsConfigBody DEFAULTS =
      new OsConfigBody(null, null, null, null, null, null, null, null);

  /**
   * The network settings of the body.
   *
   * @param hostname the host name to announce
   * @param wifi a Wi-Fi network to join
   * @param dnsServers DNS servers besides those DHCP gives
   * @param ntpServers NTP servers besides the OS's defaults
   */
  record NetworkBody(
      String hostname, WifiBody wifi, List<String> dnsServers, List<String> ntpServers) {}

  /**
   * A Wi-Fi network; {@link #toString()} hides the passphrase.
   *
   * @param ssid the network's name
   * @param psk its WPA passphrase or raw key
   */
  record WifiBody(String ssid, String psk) {

    @Override
    public String toString() {
      return "WifiBody[ssid=" + ssid + ", psk=****]";
    }
  }

  /**
   * Returns the checked options.
   *
   * @throws ApiException {@code INVALID_OS_CONFIG} naming the field at fault
   */
  OsConfigOptions toOptions() {
    return new OsConfigOptions(
        version == null ? null : new OsVersion(version),
        networkSettings(),
        Boolean.TRUE.equals(sshKeys),
        Boolean.TRUE.equals(developmentMode),
        Boolean.TRUE.equals(persistentLogging),
        pollIntervalSeconds,
        OsConfigOptions.parseDuration(keyExpiresIn),
        maxDevices);
  }

  private NetworkSettings networkSettings() {
    if (network == null) {
      return NetworkSettings.NONE;
    }
    try {
      WifiNetwork wifi =
          network.wifi() == null
              ? null
              : new WifiNetwork(network.wifi().ssid(), network.wifi().psk());
      return new NetworkSettings(
          network.hostname(), wifi, network.dnsServers(), network.ntpServers());
    } catch (OsImageException e) {
      throw new ApiException(ErrorCode.INVALID_OS_CONFIG, e.getMessage());
    }
  }
}
